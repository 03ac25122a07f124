"""The class's workflow: collect, grade, read results back, feedback, export, the gradebook."""
