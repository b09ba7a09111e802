"""Actions: each turns matched resources into a plan of API calls; an executor runs it."""
