"""returnhome: missing children and Return Home Interviews."""
