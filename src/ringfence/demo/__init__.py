"""The embedded demo estate: a local moto server and the case studies built on it."""
