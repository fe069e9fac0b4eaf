"""Privacy of the people in the statements: keyed pseudonyms in the lake, and the right to erasure."""
