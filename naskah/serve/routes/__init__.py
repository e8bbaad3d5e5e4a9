"""The service's HTTP API, one module per resource (each with its ``router``); the app
(:mod:`naskah.serve.app`) mounts them with the pages of :mod:`naskah.serve.halaman`.

Nothing is imported here: the pages import helpers from these modules
(:mod:`naskah.serve.routes.umum`), and the package must not import them back."""
