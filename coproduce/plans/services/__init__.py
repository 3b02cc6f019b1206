"""Every change of state in plans: one module per part of the work, one function per change."""
