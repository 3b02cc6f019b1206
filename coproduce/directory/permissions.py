"""Who may do what with the services directory."""
