"""The contact-extraction spaCy pipeline: registered components assembled by ``config.cfg``.

Importing this package registers the components and callbacks with spaCy.
"""

from transforms.pipeline import (  # noqa: F401  (imported for their registrations)
    actors,
    dates,
    lemmas,
    locations,
    participants,
    resolution,
    sentences,
    status,
    topics,
    triggers,
)
