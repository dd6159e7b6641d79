"""HTTP API, web page and command line: the outermost layer."""
