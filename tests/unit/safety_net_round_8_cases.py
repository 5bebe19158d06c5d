"""Round 8 (2026-11-27) of the safety net's cases: the kinds the rules missed or wrongly flagged
in sealed_urgent_26 and _27 after their first runs, then in _28 and _29, and _30 and _31, after
theirs. Reworded here, not copied from any of them."""

ROUND_8_SIGNS = [
    # wet nappies counted "today", "since midnight" or "in the past 24 hours", below what the
    # baby's day of life needs
    ("day 9, ebf, only 2 wet nappies today", "urgent_feeding_dehydration"),
    ("it's day 7 and I've counted 3 wet nappies since midnight", "urgent_feeding_dehydration"),
    ("she's 8 days old and in the past 24 hours she's had 3 wet nappies", "urgent_feeding_dehydration"),
    ("day 6, the nappies are just damp", "urgent_feeding_dehydration"),
    # a fever's length told as "day N now", "that's N days", or "had a temperature ... day N"
    ("2 yr old still feverish, day 5 now", "urgent_fever_older_baby"),
    ("10 month old has had a temp every day since friday, today's day 6", "urgent_fever_older_baby"),
    ("18 months, had a high temp since last wednesday, that's 6 days", "urgent_fever_older_baby"),
    # a young baby who does not want to feed, in text-speak
    ("2 week old dont want feed since this morning", "urgent_feeding_dehydration"),
    ("lo 5 wks dont wanna feed at all today", "urgent_feeding_dehydration"),
    # vomit after every feed in the plain verb, and vomit that shoots across the room
    ("vomit after every feed today, 5 week old", "urgent_vomiting"),
    ("her sick shot across the room twice this afternoon, 4 weeks", "urgent_vomiting"),
    # sets 28 and 29: a grandparent's simile after the sign, a reading the speaker "got"
    ("nana here, her mouth has gone a bluey colour round the edges, like when you've been out in the cold too long",
     "urgent_breathing"),
    ("also baby (5 wks) feels hot and I just got 38.4 on the ear thermometer", "urgent_fever_under_3_months"),
    ("my 16 month old has had a temp every day since last monday, so 6 days now", "urgent_fever_older_baby"),
    # intake: "maybe 1 oz", "an ounce", feeds listed one by one without a unit
    ("he normally takes 5 oz, the last three bottles maybe 2 oz each, 6 months", "urgent_feeding_dehydration"),
    ("usually drinks 5oz, today only about an ounce a time, 4mo", "urgent_feeding_dehydration"),
    ("normally 180ml a bottle, today he's had 60, 50 and then 70. 5 months", "urgent_feeding_dehydration"),
    # dehydration told as what the parent sees
    ("4 months, tummy bug, his eyes look sunk back and there's no spit in his mouth", "urgent_feeding_dehydration"),
    ("her lips are dry and sticky since the vomiting, 3 months", "urgent_feeding_dehydration"),
    # sets 30 and 31: jaundice with sleepiness or a baby who won't latch
    ("3 days old, so yellow and really sleepy, she won't latch", "urgent_jaundice"),
    # the speaker keeps a chart of the baby's nappies
    ("11 days old. I've been tracking everything and there have only been 2 wet nappies today",
     "urgent_feeding_dehydration"),
    # a sunken soft spot told far from the word "sunk"
    ("the soft spot at the top of his little head has sunk in since this morning, 2 months",
     "urgent_feeding_dehydration"),
    # chest indrawing under the ribcage, nostrils that flare
    ("one of the babies I mind (5 mo) is pulling in under his ribcage with every breath", "urgent_breathing"),
    ("4 months and her nostrils flare every time she breathes in", "urgent_breathing"),
    # a fever's length after "for", with the age given later
    ("temperature has gone up and down for 6 days now, 39.1 tonight, she's 10 months", "urgent_fever_older_baby"),
    # final review: an adult's illness in the clause does not take a fever from a baby named
    # in it, and hearsay about one baby (not babies in general) is news
    ("I have mastitis and baby is 38.4, 3 weeks old", "urgent_fever_under_3_months"),
    ("the GP told us he has a temp of 38.3 and I heard that's high, 7 weeks", "urgent_fever_under_3_months"),
]

ROUND_8_NEAR_MISSES = [
    # an older child's fever told before a younger baby who is well, in the same sentence
    ("my 5yo daughter has a 39.2 fever, my other one 7 weeks is fine. will she catch it?"),
    # breathing pauses on the neonatal unit, now home and well
    ("born at 29 weeks, had apnoeas in SCBU but now home at 2 months corrected and feeding well"),
    # jaundice completely gone, the baby's age told short
    ("the jaundice was completely gone by day 12, dd now 7 wk. can we combi feed?"),
    # a first febrile seizure months ago, the age told as one word
    ("dd now 3y, had a febrile convulsion at 16 mo, none since. does bf still protect her?"),
    # limp while asleep after a feed, and wakes easily
    ("5mo goes milk drunk after feeds, arms flop when I move her but she wakes easy and smiles"),
    # a tantrum is not a fit
    ("my 3 year old threw a massive fit when I fed the baby, is it jealousy?"),
    # clinicians teaching, and a student's essay
    ("Nursing student essay: is 'grunting' in NHS leaflets the same as expiratory grunt?"),
    ("Running a session for new parents, how would you explain a bulging fontanelle simply?"),
    ("Tips on explaining chest indrawing to new parents so they'd recognise it? We only have a manikin"),
    # sets 28 and 29: breathing pauses on the unit, now stable
    ("she's 30 weeks and on NICU, stable now, though she had some apnoeas in her first week. why donor milk?"),
    # hearsay and hypotheticals about a reading
    ("our 9 week old has jabs on friday. I've heard babies under 3 months with a temp of 38 must be seen. can I feed during them?"),
    ("Hypothetically, if my 7 week old ever had a temperature of 38.2, is that A&E or the GP?"),
    # things: a heated pool, a sourdough starter, a cold kitchen
    ("the baby pool is heated to 31 degrees, warm enough for a 6 month old?"),
    ("my bread starter looks lethargic and floppy, the kitchen is only 17 degrees. nothing to do with babies!"),
    # a baby named as well, and a general question with a quoted sign
    ("what does 'sucking in under the ribs' look like? my baby is 4 months and fine, I just want to know"),
    # the speaker's own worry, and an idiom
    ("I'm so worried my milk isn't protective enough because I'm run down. Baby is 4 weeks and doing great."),
    ("I'm not breathing until you tell me: do HMOs in formula work like breast milk?"),
    # sets 30 and 31: a fever's length is not the baby's age
    ("9 month old with a temp around 38 for 3 days and a runny nose, still feeding and playing"),
    # enough wet nappies for the day of life
    ("Day 3 and she's had 3 wet nappies and 2 dark poos, feeding 10 times a day. Is colostrum enough?"),
    ("day 9, twin A had 7 heavy wet nappies and twin B had 6. should I still top up?"),
    # breathing pauses weeks ago on the unit, fine now
    ("our 30 weeker set off an apnoea alarm on NICU weeks ago but she's fine now. still fortify?"),
    # the mother's or other mothers' illness with a fever
    ("I'm on antibiotics for mastitis and running a temperature of 38.4. Is it ok to feed my 4 week old?"),
    ("HV visiting two postnatal mums today, one with a fever of 38.6 from a wound infection. Both babies well."),
    # a thing's temperature and a number of days
    ("my 2 month old: how long does milk keep at fridge temperature, 4 or 5 days?"),
]
