from healthyplaces.board.models import BoardSnapshot, WardDeprivation
from healthyplaces.core.personal_data import PersonalData, register

# Snapshots are the record of what the board was shown and never change; who froze one or loaded
# the deciles is a link to their account, whose name goes when they are erased.
register(
    PersonalData(BoardSnapshot, about="frozen_by", fields=("meeting_date", "frozen_at")),
    PersonalData(WardDeprivation, about="loaded_by", fields=("ward__name", "decile", "loaded_at")),
)
