"""Files a clerk brings and takes: tables read from CSV or .xlsx, and the one Excel writer of every export."""
