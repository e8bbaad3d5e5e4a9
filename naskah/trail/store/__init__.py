"""Where trails are kept: berkas folders (:class:`FolderStore`, the default and the
offline format) or the register's database (:class:`DatabaseStore`, shared by several
service instances). Both behind :class:`TrailStore`; see :mod:`naskah.trail.store.base`.

``DatabaseStore`` imports SQLAlchemy; import it from
:mod:`naskah.trail.store.database`.
"""

from naskah.trail.store.base import TrailStore
from naskah.trail.store.folder import FolderStore, check_id

__all__ = ["FolderStore", "TrailStore", "check_id"]
