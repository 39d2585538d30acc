"""Small factories for the pieces that talk to models and stores, each chosen by name."""
