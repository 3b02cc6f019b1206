"""Who may do what here, as rules predicates."""
