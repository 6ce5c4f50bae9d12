"""Threats phrased the many ways people phrase them, and the look-alikes that are not threats.

Every sentence here was written for an invented council, Marlcombe District Council, from
the house rules and from how threats against staff, councillors and buildings are usually
put online: conditional ("do X and I'll..."), veiled ("I know where you live"), against
buildings, incitement ("someone needs to sort him out"), and violence in the future or
intent form, misspelt or in text-speak. The negatives are the phrasing that looks alike:
idioms, reported speech and news, safety warnings, electoral and legal threats. None is
taken from an evaluation set; these are the development examples for the threat detector.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from houserules.config import load_rules
from moderation.classifier import HouseRulesClassifier
from moderation.comment import Comment, Platform, Surface
from moderation.registers import Registers
from moderation.verdict import Action, Category, Verdict

REGISTERS = Registers.from_mappings(
    people=[
        {
            "name": "Gwendolen Threlfall",
            "aliases": ["Cllr Threlfall", "Threlfall", "the council leader"],
            "role": "councillor",
        },
        {
            "name": "Barnaby Okonkwo-Hale",
            "aliases": ["Cllr Okonkwo-Hale", "Okonkwo-Hale", "Barnaby"],
            "role": "councillor",
        },
        {
            "name": "Priyanka Ellwood",
            "aliases": ["Ms Ellwood", "Ellwood", "the head of planning"],
            "role": "officer",
        },
    ],
    facts=[],
    contacts={"organisation": "Marlcombe District Council"},
)


@pytest.fixture(scope="module")
def classifier() -> HouseRulesClassifier:
    return HouseRulesClassifier(load_rules(), REGISTERS)


def judge(classifier: HouseRulesClassifier, text: str) -> Verdict:
    comment = Comment(
        platform=Platform.FACEBOOK,
        surface=Surface.OWN_PAGE,
        comment_id="c1",
        text=text,
        created_at=datetime(2027, 5, 4, 18, 5, tzinfo=UTC),
        post_context="Council post: changes to the garden waste round.",
    )
    return classifier.classify([comment])[0]


def escalated_as_threat(v: Verdict) -> bool:
    return v.action is Action.ESCALATE and Category.THREAT in v.categories


CONDITIONAL = [
    "If my bins aren't emptied by Friday I'll smash every window in the depot.",
    "Tow my car one more time and I'll torch your van.",
    "Knock on my door again and you'll be leaving with a broken nose.",
    "Put that parking ticket on my car again and see what happens to you.",
    "If the planning officer sets foot on my land again he'll be carried off it.",
    "Close our library and I'll make sure the civic centre goes up in smoke.",
    "Keep ignoring my emails and I'll come down there and drag you out by your hair.",
    "Evict my mum and I swear I'll set fire to your offices.",
    "Fine me again and you'll need more than a stab vest, mate.",
    "If they approve that phone mast I will personally break Threlfall's legs.",
    "Bin my recycling one more time and I'll put your windows through.",
    "The enforcement officer is lucky I didn't knock him out, next time I will.",
    "Last warning: stay away from my house or you'll regret it.",
    "If that warden tickets my van again he'll be picking his teeth up off the floor.",
    "Keep it up and I'll do time for you.",
    "Bailiffs come near my door and they're leaving in ambulances.",
    "Next time you come to my door I'm setting the dog on you.",
    "If I see that parking warden on my street again he's going in the canal.",
    "If they cut my mum's care package I'll be at the leader's door with a can of petrol.",
    "Keep sending me fines and see what happens to your warden's car.",
    "Keep towing cars and one of your wardens will end up in the river.",
    "Touch my allotment and I'll break your fingers.",
    "Anyone from the council knocks on my door gets a hammer in the face.",
    "If my benefits are stopped there'll be a few councillors in A&E.",
    "If the council demolish our garages I'll be taking a sledgehammer to the civic centre.",
    "You'll be leaving that meeting on a stretcher if you vote for the mast.",
    "If Threlfall closes the youth club I'll put her through the window of her own office.",
    "Next bailiff at my door gets the dog and the bat.",
    "Cut my bins again and watch your office burn.",
]

VEILED = [
    "I know where you live.",
    "Watch your back, councillor.",
    "You'll get what's coming to you, Ms Ellwood.",
    "Lovely car you've got. It would be a shame if it got scratched.",
    "Nice office. Would be a pity if it burned down one night.",
    "Keep looking over your shoulder, Threlfall.",
    "I'd sleep with one eye open if I were you.",
    "We'll be paying your family a visit.",
    "Your kids walk home from school on their own, don't they.",
    "Accidents happen to councillors who don't listen.",
    "Wouldn't want anything to happen to that lovely family of yours, would we.",
    "Your card is marked, Okonkwo-Hale.",
    "You won't see it coming.",
    "Your time is coming, and it's coming soon.",
    "I'd be very careful walking home in the dark if I were you, Ms Ellwood.",
    "You're going to get what's coming to you, mark my words.",
    "I'll be waiting outside your office at 5.",
    "u better watch urself walking to ur car tonight",
    "They won't be laughing when their offices are on fire.",
    "Wait till he comes out of the chamber, we'll be ready for him.",
    "It'd be a real shame if your office windows got smashed in.",
    "I know what time you leave work, Ms Ellwood.",
    "We know your reg plate and where you park.",
    "you wont be walking for a while after i'm done with you",
    "One of these nights your car's going up in flames.",
    "Tell Cllr Threlfall she'd better not show her face on the estate again.",
    "Let's see how the council like it when their building's burnt down.",
    "Make sure your insurance is up to date, Threlfall.",
    "Your office might have a little fire one night.",
    "Would be terrible if the civic centre caught fire, wouldn't it.",
    "He'll be pushing up daisies by Christmas.",
    "I know your address Threlfall, it's not hard to find.",
    "Cllr Okonkwo-Hale wants to be careful walking his dog at night.",
    "Tell the bailiffs to bring backup next time.",
    "Planning officer's lucky he's still breathing after that decision.",
    "Don't worry, we know where the chief exec lives.",
    "It'll be more than eggs thrown at his car next time.",
    "Anyone got Threlfall's home address? Asking for a friend.",
    "Cllr Threlfall, I'd stay away from the Red Lion if I were you.",
    "The planning officer will get a visit from me and my brothers.",
    "She'll need more than police protection.",
    "i hope ur kids r safe",
    "Best tell the leader to get a bodyguard.",
    "The civic centre's lucky it's still standing.",
    "Be a pity if the leader's tyres went down overnight.",
    "I'm gonna end up doing something to that bailiff I'll regret.",
    "Hope the new warden likes hospital food.",
    "Say one more word, Ellwood, and see what happens.",
    "We've got people watching your house.",
    "The leader better hope I never catch him on his own.",
    "I'd love five minutes alone with whoever runs this page.",
    "Mark my words, that warden won't make it to Christmas.",
    "We all know where the leader drinks on a Friday, just saying.",
    "Ellwood wants to think very carefully before she comes round here again.",
    "Keep pushing me and you'll find out what I'm capable of, councillor.",
    "It'd be easy enough to find out where she lives.",
    "Barnaby, you've got a nice family. Keep it that way.",
    "Trust me, the next time I see that inspector he's getting one.",
]

BUILDINGS = [
    "Someone should burn the town hall down.",
    "That council office needs burning to the ground.",
    "Hope someone firebombs the civic centre tonight.",
    "Can't wait to see the town hall go up in flames.",
    "Somebody needs to blow up that council building.",
    "Let's burn the place down.",
    "The whole chamber should be blown up with the councillors inside.",
    "Let's go down there tonight and smash the depot up.",
    "The new speed cameras on Vicarage Lane will be on fire by the weekend.",
    "We should torch the council depot, see how they like it.",
    "The mosque down the road should be burnt to the ground.",
    "Petrol through the letterbox, that's what they need.",
    "I'm going to ram my car into the council offices.",
    "Somebody should burn that planning officer's house down.",
    "Hope the town hall burns down with all of them inside.",
    "Gonna be a bonfire at the town hall tonight 🔥",
    "I'll burn the place to the ground with them in it.",
    "gonna torch the tip tonight lads",
    "That depot will burn, mark my words.",
    "Council offices are getting bricked tonight.",
    "Gonna smash up the council's cameras one by one.",
    "There's a can of petrol in my shed with the depot's name on it.",
    "Councillor Threlfall's car would look better on fire.",
    "Anyone else fancy burning the tip down?",
    "Someone should lock the councillors in the chamber and set it alight.",
    "Right, that's it, the town hall is getting it tonight.",
    "One spark and that depot goes up, and I've got plenty of matches.",
    "They'll be picking bits of that CCTV camera off the road.",
]

INCITEMENT = [
    "Someone needs to sort him out.",
    "Somebody should give that warden a good hiding.",
    "If anyone sees that traffic warden, lamp him.",
    "Let's all go round to Threlfall's and give her a kicking.",
    "Somebody needs to run that councillor off the road.",
    "Someone should take Okonkwo-Hale round the back and teach him a lesson.",
    "That planning officer needs his head kicking in.",
    "Find out where the head of planning lives and we'll pay her a visit.",
    "Whoever sees the bailiffs on our estate, give them a slap from me.",
    "Someone ought to give the council leader a good slap.",
    "Anyone fancy giving Cllr Threlfall a proper going over?",
    "That councillor wants stringing up from the nearest lamppost.",
    "Ellwood should be dragged out of her office and given a good hiding.",
    "I hope the next bailiff who knocks gets a bat round the head.",
    "Shoot the lot of them.",
    "Anyone who votes for the incinerator deserves a bullet.",
    "Someone should teach that warden some respect with a cricket bat.",
    "Our lads will be waiting at the depot gates for the scab drivers.",
    "Somebody do us all a favour and take Threlfall out.",
    "That councillor needs taking out.",
    "Let's all go down the town hall and drag them out.",
    "You lot need a good hiding, the whole cabinet.",
    "There are people round here who'd happily sort Ellwood out for a fiver.",
    "The cabinet deserve to be lined up and shot.",
    "Let's pay the chief exec a little visit tonight, lads.",
    "Somebody should set the planning office on fire with Ellwood in it.",
    "The lot of them should be hung from the town hall balcony.",
    "Hope someone puts a brick through Threlfall's windscreen.",
    "We're organising a welcome party for the bailiffs, bring your bats.",
]

VIOLENCE = [
    "I'll wring his neck when I see him.",
    "I'm going to set fire to the council offices.",
    "I will cave his head in.",
    "Next time I see the warden he's getting knocked out.",
    "I'm gonna blow up the council building.",
    "I swear down I'll end you, Threlfall.",
    "I'm going to hurt you.",
    "I'll break your legs if you come near my house again.",
    "Going to bring my machete to the council meeting on Thursday.",
    "I'm going to run Cllr Okonkwo-Hale over next time he crosses the high street.",
    "He'll get glassed if he walks into my local.",
    "I'm going to find out where the planning officer lives and burn his car out.",
    "Next council meeting I'm bringing a hammer.",
    "I swear to god I will kill that bailiff if he comes back.",
    "I'd happily put him six feet under.",
    "Make no mistake, we will hurt you.",
    "I'll fucking end him.",
    "i will literally murder you",
    "Let's see how brave he is with a brick through his window.",
    "They'll be scraping you off the pavement.",
    "Don't be shocked when someone puts a knife in you.",
    "I've got a baseball bat with the planning officer's name on it.",
    "I'll rip his head off and spit down his neck.",
    "i'll smack ur teeth down ur throat",
    "I'd happily do 10 years for that councillor.",
    "You're gonna get stabbed one of these days, mouthing off like that.",
    "She's going to get a brick through her window, wait and see.",
    "I'd put a bullet in every one of them.",
    "I'm going to hunt him down.",
    "The next officer who comes on my land is getting shot.",
    "I'll be paying the planning office a visit with my cricket bat.",
    "When the enforcement team come round I'll have the shotgun ready.",
    "Honestly if I saw Threlfall in the street I'd knock her spark out.",
    "We'll string the lot of them up outside the town hall.",
    "I'm coming down the civic centre tomorrow and someone's getting hurt.",
    "Give me one good reason not to smash his face in.",
]

TEXT_SPEAK = [
    "ill stab u",
    "gona batter u wen i see u",
    "im gunna smash ur face in",
    "ima kill u m8",
    "u r dead m8",
    "your getting battered",
    "wait til i get my hands on that warden",
    "i wil fukin kill him",
    "ill burn ur house down",
    "im gonna stab the next warden i see",
    "gonna smash his face in",
    "keep it up and ull end up in a ditch",
    "Ill knock ur block off",
    "we r comin for u",
    "ur gonna get ur head kicked in",
    "i will find u and i will hurt u",
    "i swear down im gonna kill the next bailiff that comes here",
    "i'll b waitin for u after the meeting",
    "ill kick ur head in u little rat",
]


@pytest.mark.parametrize("text", CONDITIONAL)
def test_a_conditional_threat_is_escalated(classifier: HouseRulesClassifier, text: str) -> None:
    assert escalated_as_threat(judge(classifier, text))


@pytest.mark.parametrize("text", VEILED)
def test_a_veiled_threat_is_escalated(classifier: HouseRulesClassifier, text: str) -> None:
    assert escalated_as_threat(judge(classifier, text))


@pytest.mark.parametrize("text", BUILDINGS)
def test_a_threat_against_a_building_is_escalated(
    classifier: HouseRulesClassifier, text: str
) -> None:
    assert escalated_as_threat(judge(classifier, text))


@pytest.mark.parametrize("text", INCITEMENT)
def test_inciting_violence_against_a_person_is_escalated(
    classifier: HouseRulesClassifier, text: str
) -> None:
    assert escalated_as_threat(judge(classifier, text))


@pytest.mark.parametrize("text", VIOLENCE)
def test_violence_in_the_future_or_intended_is_escalated(
    classifier: HouseRulesClassifier, text: str
) -> None:
    assert escalated_as_threat(judge(classifier, text))


@pytest.mark.parametrize("text", TEXT_SPEAK)
def test_a_misspelt_or_text_speak_threat_is_escalated(
    classifier: HouseRulesClassifier, text: str
) -> None:
    assert escalated_as_threat(judge(classifier, text))


IDIOMS = [
    "I could kill for a coffee after that council meeting.",
    "The traffic on the ring road is murder this morning.",
    "This council is killing the high street with these parking charges.",
    "My feet are killing me after the litter pick.",
    "The new bus timetable is a killer for anyone on shifts.",
    "Dead on arrival, this budget.",
    "The bin crews absolutely smashed it this week, thank you!",
    "The Christmas lights team killed it this year.",
    "I'm going to knock on doors for the residents' campaign this weekend.",
    "I'll fire off an email to my councillor tonight.",
    "We're going to hit the shops after the farmers' market.",
    "Shoot me a message if you want to join the litter pick.",
    "I'll beat the rush and get to the tip before nine.",
    "Heads should roll for this overspend.",
    "Heads will roll after that audit report.",
    "I'm going to scream if the bins are late again.",
    "This parking app makes me want to throw my phone through a window.",
    "Let's kill off this daft proposal once and for all.",
    "Time to burn the midnight oil on my objection letter.",
    "I'll murder that karaoke at the staff Christmas do.",
    "Watch this space, the campaign starts Monday.",
    "I'd hate to be in your shoes when the auditors arrive.",
    "Be careful what you wish for with unitary councils.",
    "I'll be waiting for your reply.",
    "We'll be waiting outside the library at 10 for the sponsored walk.",
    "Someone needs to sort out these potholes.",
    "Somebody should sort this mess out before winter.",
    "Someone needs to get a grip of the planning department.",
    "Sort it out, Marlcombe!",
    "That's the final nail in the coffin for the market.",
    "Ouch, Threlfall got a real kicking in the debate last night.",
    "The council are going to torch what's left of the high street with these business rates.",
    "I'd love to see the old cinema brought back to life.",
    "I'm going to hammer my councillor with emails until this is fixed.",
    "We'll be knocking on every door in the ward.",
    "Let's smash our fundraising target for the hospice!",
    "I'll kill two birds with one stone and drop off the petition.",
    "Burn after reading, this consultation is a joke.",
    "They're getting slaughtered in the comments, and rightly so.",
    "The leader took a beating in the local paper today.",
    "The cabinet will be getting an earful from me at the meeting.",
    "I'll be giving them a piece of my mind on Thursday.",
    "You'll get hammered with fines if you park there.",
    "Someone should blow the whistle on what's happening in planning.",
    "Let's bomb the council's inbox with objections!",
    "Threlfall should hang her head in shame.",
    "He needs a kick up the backside, this councillor.",
    "I'm dying to see the new library open.",
    "That tax rise is a kick in the teeth for pensioners.",
    "Ellwood got torn to shreds at scrutiny.",
    "The new parking charges are going to destroy the town.",
    "I'd burn the whole consultation document if I could.",
    "We're going to blow the roof off the town hall with our choir on Sunday!",
    "Lovely house you've got there, Cllr Threlfall, shame about the planning breach next door.",
    "I'd do time for a decent bus service at this point lol.",
    "The tip is killing me with these new booking rules.",
    "We'll be burning the candle at both ends to get the petition in.",
    "Let's fire up the barbecue at the community fun day.",
    "I hope the new leisure centre is a smash hit.",
    "This decision is a knife in the back for the village.",
    "The councillors need a good talking to.",
    "Shoot, I forgot to put the bins out.",
    "Ellwood's planning report was a hatchet job.",
    "The budget cuts are a bloodbath for youth services.",
    "Honestly I could strangle the bin men for leaving the lids open. Joking!",
    "Let's give the new mayor a warm welcome on Saturday.",
    "The council's going to get hammered over this in the papers.",
    "We'll be all over them like a rash at the next meeting.",
    "The firework display at the park was a blast.",
    "Your staff were brilliant, I could hug them.",
    "The budget is getting hammered by inflation.",
    "I'm going to hunt down the paperwork for my appeal.",
    "Take out the recycling before 7am or it won't be collected.",
    "Shot of the town hall at sunset, lovely.",
    "The fireworks at the town hall were a blast.",
    "This council is a joke, they need a kick up the backside.",
    "We are going to fight this tooth and nail.",
    "I'm going to kill this planning application at committee.",
    "I'd happily wring the neck of whoever approved this roundabout.",
    "She's getting torn apart on Twitter for that comment.",
    "I'd bomb it down to the tip before it shuts.",
    "My car's going to fall apart on these roads.",
    "The council is going to shoot itself in the foot with this.",
    "They'll string out the consultation until nobody cares.",
    "She'll need more than luck to fix this budget.",
    "I hope your kids enjoyed the fun day!",
    "Touch wood, the bins have been on time this month.",
    "Anyone from the council knocks on my door gets a cup of tea and an earful.",
    "Gonna smash my step count walking to the new leisure centre.",
    "I'll break the news to my neighbours about the bin changes.",
    "Cllr Okonkwo-Hale should watch what he says about the bus station.",
    "Someone needs to put that planning officer right on the facts.",
    "Be a pity if the leisure centre lost its funding.",
    "I will find the form and I will fill it in.",
    "The cabinet deserve a pay cut, not a rise.",
    "Knock on my door one more time with a leaflet and I'll recycle it.",
    "There's a can of paint in my shed for the community mural.",
    "The Christmas tree outside the town hall looks on fire this year!",
    "Let's pay the library a visit on Saturday, lads, it's reopened.",
    "Hope the new warden enjoys the job, they'll need patience.",
    "One day someone's going to snap on that bus, the heating is unbearable.",
    "Anyone else fancy a litter pick at the tip on Sunday?",
    "Say one more word about the bins and I'll scream.",
    "We've got people watching the planning portal for updates.",
    "Someone should lock the council chamber doors when it's empty, anyone can walk in.",
    "Right, that's it, I'm writing to my MP tonight.",
    "I'd love five minutes with the planning officer to explain my extension.",
    "The new manager is a killer negotiator apparently.",
    "I'll be taking a hammer to my shed this weekend, finally demolishing it.",
    "We all know where the leader stands on the bypass, just saying.",
    "One spark of common sense from the planning office would be nice.",
    "I'll be waiting for the minutes after the meeting.",
    "I'm coming down the civic centre tomorrow to pay my council tax.",
    "Somebody should set the planning office straight on what residents want.",
    "ill be there at 8 for the litter pick",
    "It'd be easy enough to find out where the fly-tippers come from.",
    "Barnaby, you've got a nice family, hope you all enjoyed the fete.",
    "They'll be picking litter off the road all week after the festival.",
    "Hope someone puts a bench by the bus stop on the high street.",
    "We're organising a welcome party for the new refugees, bring cakes.",
]

REPORTED = [
    "Police are investigating threats made against a councillor in Marlcombe last week.",
    "A man has been charged after threatening staff at the civic centre.",
    "Cllr Threlfall received death threats after the vote, which is disgraceful.",
    "Firefighters tackled a blaze at the community centre on Sunday night.",
    "Someone set fire to the wheelie bins on Orchard Close again, please send a crew.",
    "The old corn exchange burned down in 1972 and was never rebuilt.",
    "Is it true someone threatened the library staff last week?",
    "Knife crime in the town centre is out of control, we need more police patrols.",
    "My son was stabbed outside the chippy last year and nothing has changed.",
    "Someone told me they'd 'sort me out' for complaining about the noise. I've called 101.",
    "My car got smashed into in the council car park and CCTV wasn't working.",
    "My house was broken into last week, where are the police?",
    "I nearly killed myself tripping over that pothole.",
    "Residents were left fuming after the council smashed up the old bandstand.",
    "The fire at the tip last night was scary, hope everyone's ok.",
    "Police are appealing for witnesses after a man was attacked near the bus station.",
    "My neighbour threatened to stab me and the council did nothing.",
    "Bailiffs turned up at my door at 7am, frightening my kids.",
    "I burned my hand on the hot tap in the leisure centre changing rooms.",
    "Threw eggs at the town hall? Grow up, whoever you are.",
    "My son's school is getting a new roof, great news.",
    "Police attended after a man threatened to burn down the community centre.",
    "Please don't leave your bins out overnight, they get set on fire.",
    "Staff at the civic centre were scared after the break-in last week.",
    "The council offices are getting a new roof.",
    "Cameras on the high street got smashed again last night, who pays for that?",
    "Councillors are getting death threats now, this has gone too far.",
    "The gang who smashed the bus shelter should be caught and punished.",
]

COMPLAINTS = [
    "I'll be voting them out at the next election.",
    "I'll report you to the ombudsman.",
    "I'll see you in court.",
    "If the bins aren't emptied by Friday I'll be on the phone to my MP.",
    "If this isn't fixed by Monday I'm going to the local paper.",
    "Close our library and we'll take you to judicial review.",
    "Touch our green belt and we'll fight you every step of the way.",
    "Mess with our park and you'll have a fight on your hands at the ballot box.",
    "If they approve the mast I'll be at every council meeting until they reverse it.",
    "Ignore us again and we'll make sure everyone in the ward knows about it.",
    "Your days are numbered at the next election, Threlfall.",
    "We will fight this decision all the way to the High Court.",
    "Cut the bus route and you'll lose every vote on this estate.",
    "Someone needs to be sacked for this.",
    "Somebody should report him to the standards committee.",
    "Cllr Threlfall should be ashamed of this decision.",
    "Keep raising council tax and watch what happens in May.",
    "Someone needs to sort the drains out on Fore Street.",
    "I'll be waiting for the council to respond.",
    "Can someone sort this out please, the bin has been there a week.",
    "Shame if the carnival is cancelled again.",
    "It'd be a shame if the park was ruined by the new houses.",
    "Our kids have to walk to school on their own since you cut the bus.",
    "Get rid of the lot of them in May.",
    "The whole cabinet should be sacked, not one of them is competent.",
    "We'll be hitting them hard at the ballot box.",
    "The bailiffs are going to get a shock when they see the new law.",
    "Your office should have better security, my details were leaked.",
    "I hope the town hall gets the renovation it deserves.",
    "Tell Cllr Threlfall we'll see her at the hustings.",
    "If they shut the pool, I'm moving to the next borough.",
    "Threlfall will get what's coming when the audit lands.",
    "I'll be hitting the council with a freedom of information request.",
    "If you see the parking warden on my street, tell him the signs are wrong.",
    "The councillor's lucky to still have a seat after that result.",
    "We'll be at the depot gates with placards on Monday, peaceful protest.",
    "I'll be paying the council a visit on Monday to sort out my parking permit.",
    "Get them out at the next election, every single one.",
    "I'd stay away from the Red Lion if I were you, the beer's terrible.",
    "The planning officer will get a visit from the ombudsman soon enough.",
    "When the enforcement team come round I'll have the paperwork ready.",
    "Keep towing cars and you'll end up in the local paper.",
    "That depot will close, mark my words.",
    "If I saw Threlfall in the street I'd tell her what I think of the cuts.",
    "If the benefits office closes there'll be queues out of the door.",
    "Best tell the leader to get a better press officer.",
    "Wait till I find out which officer signed this off, I'm putting in a complaint.",
    "If the council demolish our garages I'll be taking them to the ombudsman.",
    "We're going to make an example of this council at the election.",
    "The leader better hope the voters forget this by May.",
    "Mark my words, this council won't make it to the next election.",
    "If Threlfall closes the youth club I'll put her name on every leaflet in the ward.",
    "Ellwood wants to think very carefully before approving that extension.",
    "Next bailiff at my door gets shown the court order.",
    "Keep pushing the parking charges and you'll find out what residents think in May.",
    "The lot of them should be sacked from the town hall.",
    "Give me one good reason to vote for this budget.",
    "Cut my bins again and watch my complaint land on your desk.",
    "Trust me, the next time I see that inspector I'm asking for a refund.",
]

WARNINGS = [
    "Those potholes on Mill Lane will kill someone one day.",
    "That junction is going to kill a cyclist, fix the lights.",
    "Watch out for the black ice on Hill Road this morning.",
    "Be careful walking through the park at night, half the lights are out.",
    "The cuts to social care are killing people.",
    "Your policies are killing pensioners, plain and simple.",
    "Police found a knife near the primary school, parents please be careful.",
    "The library will be a smoking ruin if the roof isn't fixed.",
    "If you don't grit the roads someone will end up in hospital.",
    "Watch your speed on the new 20 zone, they're enforcing.",
    "Be careful if you're driving through town, the roadworks are a nightmare.",
    "Bonfire at the rec on Saturday, bring sparklers!",
    "Someone's going to get hurt on that slide in the park, it's broken.",
    "The new roundabout is an accident waiting to happen.",
    "That pothole on Mill Lane will have someone's wheel off.",
    "Ban the bonfire at the rec before somebody burns the houses down.",
    "Someone is going to get seriously hurt on the ice outside the library.",
    "The old pavilion is lucky it's still standing after that storm.",
    "Our street got absolutely battered by the storm last night.",
]


@pytest.mark.parametrize("text", IDIOMS)
def test_an_idiom_of_violence_is_not_a_threat(classifier: HouseRulesClassifier, text: str) -> None:
    v = judge(classifier, text)
    assert Category.THREAT not in v.categories
    assert v.action is not Action.ESCALATE


@pytest.mark.parametrize("text", REPORTED)
def test_reported_speech_and_news_are_not_threats(
    classifier: HouseRulesClassifier, text: str
) -> None:
    v = judge(classifier, text)
    assert Category.THREAT not in v.categories


@pytest.mark.parametrize("text", COMPLAINTS)
def test_electoral_legal_and_complaint_threats_are_not_threats_of_violence(
    classifier: HouseRulesClassifier, text: str
) -> None:
    v = judge(classifier, text)
    assert Category.THREAT not in v.categories
    assert v.action not in (Action.HIDE, Action.ESCALATE)


@pytest.mark.parametrize("text", WARNINGS)
def test_safety_warnings_and_criticism_in_violent_words_are_not_threats(
    classifier: HouseRulesClassifier, text: str
) -> None:
    v = judge(classifier, text)
    assert Category.THREAT not in v.categories


# Threats the rules do not catch on their own: "hurt someone" names no one, and the rest are
# hints that escalate only with support (the council heads, "mark my words", a second form).
KNOWN_MISSES = [
    "If I lose my flat because of you I will come to the civic centre and hurt someone.",
    "They'd better have security on at the town hall tomorrow.",
    "I've had enough, someone at that council is getting hurt this week.",
    "Your staff should be scared to come to work after this.",
    "Wait till I find out which officer signed this off.",
    "Cllr Okonkwo-Hale should watch where he parks from now on.",
    "Someone needs to put that planning officer in his place, permanently.",
    "We're going to make an example of the next warden who tickets us.",
    "Knock on my door one more time and it'll be the last door you knock on.",
    "One day someone's going to snap and go after Ellwood, and I won't blame them.",
    "ur gettin smashed wen i find u",
]


@pytest.mark.parametrize("text", KNOWN_MISSES)
@pytest.mark.xfail(
    strict=True,
    reason="known misses, listed in docs/evaluation.md: the threat is only clear from context "
    "the rules do not read; strict, so a detector that starts catching one fails here until "
    "the sentence moves to the caught list",
)
def test_threats_the_rules_alone_still_miss(classifier: HouseRulesClassifier, text: str) -> None:
    assert escalated_as_threat(judge(classifier, text))


def test_a_hint_alone_is_not_even_a_finding_but_counts_beside_a_sign_of_intent(
    classifier: HouseRulesClassifier,
) -> None:
    alone = judge(classifier, "Lovely house you've got on Orchard Close.")
    assert not any(f.category is Category.THREAT for f in alone.findings)
    warned = judge(classifier, "Lovely house you've got on Orchard Close. Mark my words.")
    assert escalated_as_threat(warned)
