"""The bridge between the GUI thread and the training thread.

`TrainingSession` (GUI thread) sends commands to a `TrainerWorker` (its own
QThread, owner of the Trainer) and receives immutable Snapshots through a
latest-value `Mailbox`.
"""

from .mailbox import Mailbox
from .session import TrainingSession
from .worker import TrainerWorker

__all__ = ["Mailbox", "TrainerWorker", "TrainingSession"]
