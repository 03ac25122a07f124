"""Editions of the course: lessons/ from solutions/, the student edition, the Binder link."""
