"""eschool journal: lesson records, marks, attendance, term marks and the diary."""
