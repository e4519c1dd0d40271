"""Use cases of the promotions context: managing codes, and quoting/redeeming/releasing them."""
