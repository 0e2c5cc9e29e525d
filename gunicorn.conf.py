"""gunicorn's settings file. gunicorn reads ./gunicorn.conf.py by itself, so `make run`, the
benches (bench/common.py starts gunicorn in the project directory, for our app and for the floor
app alike) and the tests that start a real server all get it; the command line still sets the
workers, threads and address.

Garbage collection in a worker: once the app is loaded, what exists (modules, the routes,
compiled templates and statements) lives as long as the worker, so it is frozen out of every
later collection, and the youngest generation is collected every 20,000 allocations instead of
every 700. Objects are still freed as soon as nothing refers to them; only reference cycles
wait a little longer. Measured with `python -m bench vote` (README, Performance)."""
import gc


def post_worker_init(worker):
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)
