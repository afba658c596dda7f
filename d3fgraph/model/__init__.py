"""Event models of ATT&CK techniques: their vocabulary, file format and checks."""
