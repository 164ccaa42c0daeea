from actions.models import Action, ActionUpdate
from healthyplaces.core.personal_data import PersonalData, register

# The updates and leads stay when someone is erased: they are the programme's record of its work,
# and the person's name goes with the account.
register(
    PersonalData(Action, about="lead_officers", fields=("number", "title")),
    PersonalData(ActionUpdate, about="author", fields=("action__number", "created_at", "new_status", "narrative")),
)
