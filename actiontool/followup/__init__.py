"""What letters did: asking supporters, two weeks after delivery, whether the official replied."""
