"""Text the demo records are written in: circumstances, what children said, notes, actions."""

from __future__ import annotations

from returnhome.followup.models import ProposedAction
from returnhome.interviews.models import DeclineReason

# --------------------------------------------------------------------------- text templates

CIRCUMSTANCES = (
    "Did not return to {where} by the agreed time of {hour}:00.",
    "Left school at lunchtime and did not come home.",
    "Went out to the shop and did not come back.",
    "Left after an argument about phone use.",
    "Climbed out of a window during the night.",
    "Last seen getting into a car near {town} station.",
    "Went to meet friends in {town} and stopped answering the phone.",
)
FOUND_AT = (
    "Found by police at a friend's address in {town}",
    "Returned of own accord",
    "Found at {town} railway station",
    "Located at an address in {town} known to police",
    "Found in Croydon by the Metropolitan Police",
    "Brought back by a family member",
    "Found in a park in {town}",
    "Returned by taxi, fare paid by an unknown adult",
)
PUSH = (
    "Arguments at home about curfew and phone use.",
    "Feels the rules at the placement are unfair.",
    "Conflict with another young person where they live.",
    "Says nobody listens to them at home.",
    "Low mood after contact with mum was cancelled.",
    "Tension with step-parent; says they are blamed for everything.",
    "Worried about a school exclusion meeting.",
    "Placement is a long way from friends and family.",
    "Overcrowding at home: shares a room with two siblings.",
)
PULL = (
    "Wanted to see friends in {town}.",
    "Spending time with an older 'boyfriend' known as {nick}.",
    "Went to see birth family in {town}.",
    "Was offered money to 'hold' a bag for someone.",
    "Went to a party at a flat in {town}.",
    "Wanted to see a brother placed elsewhere.",
    "Was given a phone and told to keep it switched on.",
    "Invited by {nick} to stay at an address in {town}.",
)
EXPERIENCES = (
    "Slept at a friend's house; says they ate and felt safe.",
    "Stayed up all night at a flat with older males; was given alcohol.",
    "Travelled by train to {town} with money someone else gave them.",
    "Was driven around in a car by people they did not know well.",
    "Slept in a park; was cold and hungry.",
    "Was at a party where drugs were used; says they did not take any.",
    "Stayed with {nick}; would not say where.",
    "Was stopped by police in {town} and brought home.",
)
PLACES = (
    "Flat above the shops on Demo Parade, {town}",
    "{town} bus station",
    "Skate park by the leisure centre, {town}",
    "Fast-food restaurant on the High Street, {town}",
    "Underpass near {town} railway station",
    "Park at the end of Demo {word} Road, {town}",
    "Car park behind the retail park, {town}",
)
RISK_FACTORS = (
    "Older associates",
    "Frequent missing episodes",
    "Carrying large amounts of cash",
    "Cannabis use",
    "Not attending school",
    "New phone and clothes that cannot be explained",
    "History of self-harm",
    "Staying overnight at unknown addresses",
    "Travelling out of area",
    "Online contact with unknown adults",
)
PROTECTIVE_FACTORS = (
    "Good relationship with key worker",
    "Goes to football training twice a week",
    "Close to grandmother",
    "Engaged at school; enjoys art",
    "Wants to go to college next year",
    "Talks to older sister",
    "Good relationship with foster carer",
    "Engaging with youth worker",
)
CHILDS_WORDS = (
    '"I just needed to get out for a bit."',
    '"They\'re my mates, they look after me."',
    '"Nobody listens to me here."',
    "\"I wasn't in any danger, I know what I'm doing.\"",
    '"I don\'t want to talk about who I was with."',
    '"I miss my mum."',
    '"I\'d come back sooner if I could keep my phone."',
    "\"It's boring here, there's nothing to do.\"",
)
REFLECTIONS = (
    "Risk is escalating: a pattern of travel to {town} with older males. Needs a strategy "
    "discussion and a referral to the exploitation team.",
    "Push factors are mainly about the placement; a placement review and regular time with the "
    "key worker should reduce missing.",
    "Missing is linked to family conflict; family mediation and an early help plan should help.",
    "Low risk this time, but frequency is increasing. Keep the same worker and review in a month.",
    "Child engaged well. Safety plan agreed: will text carer if staying out, and has the "
    "out-of-hours number.",
)
CHILD_FEEDBACK = (
    "Said it was 'alright' and liked that it was someone new.",
    "Preferred talking in the car to talking at home.",
    "Did not want to give feedback.",
    "Said it helped to talk to someone who was not their social worker.",
    "",
)
CARER_FEEDBACK = (
    "Carer found it helpful and asked for a copy of the safety plan.",
    "Mum said she was glad someone asked him why.",
    "",
    "Key worker said the visit was well timed.",
)
INFORMATION_FROM = (
    "Foster carer",
    "Key worker at the children's home",
    "Mum",
    "Dad",
    "Grandmother",
    "School designated safeguarding lead",
)
NA_NOTES = (
    "Child was with police throughout and had a prevention interview; manager agreed an RHI "
    "is not proportionate.",
    "Duplicate report of an episode already recorded.",
    "Child admitted to hospital on return; ward social worker will speak to them.",
    "Away for under an hour at a known address; manager agreed no RHI.",
    "Child turned out not to have been missing: was at a pre-arranged sleepover.",
)
MISSING_AGAIN_NA = (
    "Missing again within hours of returning, before the RHI could be offered; "
    "picked up under the next episode's RHI."
)
DECLINE_NOTES = {
    DeclineReason.CHILD_REFUSED: "Said they were fine and did not want to talk to anyone.",
    DeclineReason.PARENT_REFUSED: "Mum said the family will deal with it themselves.",
    DeclineReason.MISSING_AGAIN: "Went missing again before the interview could happen.",
    DeclineReason.NO_CONTACT: "Calls, texts and a calling card; no response.",
    DeclineReason.IN_CUSTODY: "Remanded in custody; youth justice worker informed.",
    DeclineReason.MOVED_OUT_OF_AREA: "Family moved to another area; details passed to the new council.",
    DeclineReason.MENTAL_HEALTH: "Admitted to an adolescent mental health unit; ward staff will talk to them.",
    DeclineReason.OTHER: "Police are interviewing the child as a victim; RHI not offered again on police advice.",
}
INDEPENDENCE_REASONS = (
    "The young person will only speak to their social worker; manager agreed for this episode.",
    "Urgent visit needed today and the RHI team has no capacity; independent follow-up offered.",
    "Child asked for their social worker to do it; an independent worker was offered and declined.",
)
ACTIONS: dict[str, tuple[str, ...]] = {
    ProposedAction.Service.SOCIAL_CARE: (
        "Share the interview with the allocated social worker and ask for a strategy discussion",
        "Referral to children's social care: concerns about older associates",
    ),
    ProposedAction.Service.EARLY_HELP: ("Referral to early help for family support",),
    ProposedAction.Service.CAMHS: ("Referral to CAMHS for assessment of low mood",),
    ProposedAction.Service.SUBSTANCE_MISUSE: (
        "Referral to the young people's substance misuse service",
    ),
    ProposedAction.Service.SEXUAL_EXPLOITATION: (
        "Referral to the sexual exploitation service; complete the CSE screening tool",
    ),
    ProposedAction.Service.DOMESTIC_ABUSE: (
        "Referral to domestic abuse support for mum and child",
    ),
    ProposedAction.Service.YOUTH_JUSTICE: (
        "Tell the youth justice worker about the episode and associates",
    ),
    ProposedAction.Service.YOUTH_SERVICE: ("Introduce to the Thursday evening youth club group",),
    ProposedAction.Service.EDUCATION: (
        "Meet the school DSL about attendance and who the child spends time with",
    ),
    ProposedAction.Service.FAMILY_SUPPORT: ("Family mediation sessions",),
    ProposedAction.Service.MISSING_SERVICE: (
        "Weekly keep-safe sessions with the missing service for six weeks",
    ),
    ProposedAction.Service.POLICE: (
        "Send the information sharing form to the police missing person coordinator",
    ),
    ProposedAction.Service.OTHER: ("Placement planning meeting to review curfew arrangements",),
}
ACTION_OWNERS = (
    "Allocated social worker",
    "RHI practitioner",
    "School DSL",
    "Missing coordinator",
    "Key worker",
    "Youth worker",
)
CHANGED_COMMENTS = (
    "Agreed, but do it this week rather than next month.",
    "Agreed; the social worker should lead, not the RHI team.",
    "Agreed; add the school to the meeting.",
)
REJECTED_COMMENTS = (
    "Already in place through the child's plan.",
    "Not proportionate; discuss at the next review instead.",
    "Duplicate of an action from the last interview.",
)
DONE_OUTCOMES = (
    "Referral accepted; first appointment booked.",
    "Done: discussed at the strategy meeting.",
    "Completed; the young person attended.",
    "Information sharing form sent and acknowledged by police.",
)
NOT_DONE_OUTCOMES = (
    "Young person declined the referral.",
    "Service waiting list closed; escalated to the manager.",
    "Family did not engage.",
)
