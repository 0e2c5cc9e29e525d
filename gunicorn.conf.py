"""gunicorn's settings file. gunicorn reads ./gunicorn.conf.py by itself, so `make run`, the
benches (bench/common.py starts gunicorn in the project directory, for our app and for the floor
app alike) and the tests that start a real server all get it; the command line still sets the
workers, threads and address.

Garbage collection in a worker: once the app is loaded, it settles the collector
(election_app/gc_tuning.py). Measured with `python -m bench vote` (README, Performance)."""


def post_worker_init(worker):
    from election_app.gc_tuning import settle
    settle()
