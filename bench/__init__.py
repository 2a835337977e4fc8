"""`make bench`: how fast the product answers at the scales it will meet (bench/README.md)."""
