"""The ChatKit front: the ChatKitServer subclass and the task widgets it streams."""
