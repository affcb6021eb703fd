"""The HTTP routes as Chalice blueprints, registered in app.py: they translate HTTP and nothing else."""
