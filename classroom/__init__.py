"""Classrooms: rooms, learners and their recorded checks, in one store on SQLAlchemy.

SQLite by default (a file in GRADLAB_DATA_DIR), PostgreSQL when GRADLAB_DATABASE_URL names one.
Above the engine and the lessons, below the UI: nothing here imports streamlit.

    store = open_store()                       # classroom.store
    new = store.create_room("Tuesday", ["see_vanishing"])
    me = store.join(new.room.code, "Ann")      # me.token goes into the learner's URL
    store.record_check(new.room.code, me.token, "see_vanishing", cfg, numbers, passed)
    store.view(new.room.code, new.teacher_key) # classroom.views.RoomView
"""
