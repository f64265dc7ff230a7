"""Rooms in the app: the learner's seat (join, resume, recorded checks), opening a room, and the
teacher's live view. The store and its rules are classroom/; this package only draws them."""
