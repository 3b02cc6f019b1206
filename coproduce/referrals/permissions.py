"""Who may do what with referrals and signposting."""
