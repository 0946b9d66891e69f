"""The county's own address file, for finding a supporter's district without sending their address anywhere
(issue 14). normalize.py turns what a person typed, or a row of the county's file, into one canonical form, so
that the two can be compared."""
