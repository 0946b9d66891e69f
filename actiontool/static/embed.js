// Inside a partner's frame, after a press of the form's button: the frame's new page starts at its top, but the
// partner's page stays scrolled down where the button was, so the supporter would see an empty part of the
// frame. This brings the page's message (its notice, or its heading) into view. Not on a first visit: the
// partner's page is never scrolled before the supporter does anything. Without JavaScript, nothing happens.
(function () {
  if (!document.body.hasAttribute("data-after-press")) {
    return;
  }
  var target = document.querySelector("main .notice") || document.querySelector("main h1");
  if (target && target.scrollIntoView) {
    target.scrollIntoView({block: "start"});
  }
})();
