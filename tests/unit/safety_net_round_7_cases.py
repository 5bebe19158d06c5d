"""Round 7 (2026-11-27) of the safety net's cases: the kinds the rules missed or wrongly flagged
in sealed_urgent_18 and _19 after their first runs, and in the second blind-written corpus
(data/nlu/written_blind_round_7_near_misses.yml), then in sealed_urgent_20 and _21 after
their first runs. Reworded here, not copied from any of them."""

ROUND_7_SIGNS = [
    # a named reflex that the speaker disputes, or a relative names, or that cannot explain
    # the movements, is no explanation
    ("my mum says it's just the startle reflex but it wasn't, his leg was jerking over and over, 5 weeks",
     "urgent_seizure"),
    ("husband thinks it was the moro reflex, her arm shook rhythmically for ages, 2 months", "urgent_seizure"),
    ("the nurse on the phone asked if it was a startle, no, his arms kept jerking for 40 seconds, 6 weeks",
     "urgent_seizure"),
    # intake compared with the usual amount
    ("usually drinks about 900ml a day, today only 350ml compared to that, 5 months",
     "urgent_feeding_dehydration"),
    ("she's had 250ml all day compared with 700ml normally, 3 months", "urgent_feeding_dehydration"),
    # a fever's day count told as "today is day N"
    ("fevers on and off since sunday and today is day 5, she's 11 months", "urgent_fever_older_baby"),
    ("2 year old with a fever every day, it's day 6 now", "urgent_fever_older_baby"),
    # the speaker reports the nappies, they are the baby's
    ("2 months old, I've only changed two wet nappies since breakfast yesterday", "urgent_feeding_dehydration"),
    # a clinician in front of the baby
    ("HV here, 4/52 baby with me, T 38.3, mum has mastitis too", "urgent_fever_under_3_months"),
    ("first time ever, my 10 month old just had a fit and is now very drowsy", "urgent_seizure"),
    ("threw up after every feed today, 5 times now, nothing stays down", "urgent_vomiting"),
    # a baby named by shorthand or by an age in brackets, in a message about a pregnancy
    ("36 weeks pregnant and dd (6 weeks) has gone floppy", "urgent_unresponsive"),
    ("pregnant again, ds 4 weeks is grey round the lips", "urgent_breathing"),
    # sets 20 and 21: signs told in the parent's own words or in a midwife's shorthand
    ("his thighs look marbly and purple-ish and his feet are icy, 2 months", "urgent_cold_or_pale"),
    ("ds 5 weeks only manages a weak whimper today, not his usual bellow", "urgent_unresponsive"),
    ("D3, icteric to the knees, mum asking about topping up", "urgent_jaundice"),
    ("12 day old, only 4 feeds since last night, keeps dozing off on the breast",
     "urgent_feeding_dehydration"),
    ("MW note: d6, several pustules in the nappy area", "urgent_infection_signs"),
    ("my 5 week old is 100.8 by the rectal thermometer but otherwise seems ok",
     "urgent_fever_under_3_months"),
    ("midwife said the jaundice was only on his face. now it has spread down to his belly. 5 days",
     "urgent_jaundice"),
    ("she's 6 weeks and the last wet nappy was at breakfast, so about 10 hours of dry ones",
     "urgent_feeding_dehydration"),
    ("day 9, we had three nappies today and they were barely damp", "urgent_feeding_dehydration"),
    ("day 5 of my 1 year old having a temperature, 38.8 tonight", "urgent_fever_older_baby"),
    ("her soft spot is usually flat, tonight it's puffed up and tense while she sits calmly, 4 months",
     "urgent_bulging_fontanelle"),
    ("been cleaning his eye for days, now it's thick yellow pus, 2 weeks old", "urgent_infection_signs"),
    # sets 22 and 23
    ("my 6 weeks old doesnt want to breastfeed since this morning, keeps pulling away",
     "urgent_feeding_dehydration"),
    ("green gunk pouring out of her eye whenever I wipe it, 10 days old", "urgent_infection_signs"),
    ("her wee looks like tea and leaves a brown stain on the nappy, 3 weeks", "urgent_jaundice"),
    ("no wet nappy for 10 hours, 5wo", "urgent_feeding_dehydration"),
    ("HV: 2/12, vomiting x6 since 3am, unable to keep feeds down", "urgent_vomiting"),
    ("he's brought back every feed since teatime, 5 times now, 2 months", "urgent_vomiting"),
    # sets 24 and 25
    ("one twin has had white, chalky looking poos since yesterday, 4 weeks old", "urgent_jaundice"),
    ("foster baby, 5 weeks, has refused every bottle since 7am and it's now 4pm",
     "urgent_feeding_dehydration"),
    ("my 4 month son has fever of 39.3 since lunch, the syrup from last time isn't working",
     "urgent_fever_older_baby"),
    ("update: she's been sick again, dark green bile now, 9 months", "urgent_vomiting"),
    ("my foster son is 10 months and has vomited 5 times since breakfast", "urgent_vomiting"),
    ("toddler (14 months) can't even keep water down, thrown up 4 times", "urgent_vomiting"),
    # found in the final review: the speaker's cues must not take the baby's signs
    ("I literally can't wake her up, 3 weeks", "urgent_unresponsive"),
    ("I read about floppy babies and now mine is floppy, 5 weeks", "urgent_unresponsive"),
    ("I was watching a film and the baby went blue round the lips, 6 weeks", "urgent_breathing"),
    ("4 week old floppy and grey - what does NHS guidance say?", "urgent_unresponsive"),
    ("floppy 2 month old, what's the protocol, do I call 999?", "urgent_unresponsive"),
]

ROUND_7_NEAR_MISSES = [
    # negated and fading jaundice, checked by a midwife
    "he's not yellow any more and his eyes are white, 13 days, when does the worry stop",
    "went a little yellow on day 2, the midwife tested it and said it was a low level, now fading on day 6",
    # the speaker's own tiredness
    "I'm dead on my feet, can't wake up in the morning, is cluster feeding at 5 weeks normal",
    # a newborn girl's withdrawal bleed that a midwife has explained
    "tiny spot of blood in her nappy from her vagina, 4 days old, midwife said it's mum's hormones, it's stopped now",
    # questions before the birth and about what a sign looks like
    "what would a rash that doesn't fade look like on brown skin? asking before my baby arrives",
    "pregnant and reading about jaundice, is my milk to blame if the baby is jaundiced?",
    # evidence and reports, asked in general
    "any evidence on breastfeeding and rates of fever after the MenB jab in young infants?",
    "any reports of infant rash or fever after a postpartum MMR jab? general question",
    "lit review: milk cortisol and inconsolable crying in infants, general population",
    "which epilepsy drugs are compatible with breastfeeding and which infant effects like poor feeding are reported?",
    # idioms and the mother's own seizures, vaccines and body
    "told my mother-in-law till I'm blue in the face that breastfed babies catch colds too",
    "I'm in hospital after an eclamptic seizure, how do I send pumped milk home?",
    "I have epilepsy and worry about having a seizure while I hold her, any tips for feeding safely?",
    "I had pre-eclampsia and a seizure, baby born at 33 weeks, can I express on magnesium?",
    "had my flu jab, sore arm and a fever overnight, is my milk ok for the baby?",
    # past episodes and other families
    "he had a fever with an ear infection at 4 months, treated and better, does my milk change when he's ill?",
    "our son had a febrile seizure a year ago, checked at A&E and well since, now 2, does breastfeeding affect his jabs?",
    "our first had phototherapy back in 2020 and she's a healthy toddler now, pregnant again, should I express antenatally?",
    "my friend combi-fed her twins and one ended up in hospital with a fever, is mixed feeding less protective?",
    "he had apnoea in NICU that stopped weeks ago, now home on my milk, should I still add fortifier?",
    # normal things
    "grunts and goes red when she's pushing out a poo, HV said it's dyschezia, is it her gut bacteria?",
    "born at 29 weeks, skin so thin you can see blue veins, the nurses say that's normal for her age",
    "she breathes fast then slow with short pauses, stays pink, the midwife showed us it's periodic breathing",
    "he splutters and breathes loudly when my letdown is fast, which position slows the flow?",
    # sleepy after jabs but waking normally
    "8 week jabs today, a bit sleepier than usual (37.6) but feeding well and waking normally",
    "day 1, really sleepy but wakes for feeds every 3 hours and latches well, is a few drops enough?",
    # last time
    "last time after her jabs she had a temp of 38 that went in a day, will feeding more help this time?",
    # sets 20 and 21: the speaker, idioms, leaflets, pets, news stories, other families
    "this flu has me so floppy I can't get up. does my milk still carry antibodies for him?",
    "couldn't breathe for laughing when she sneezed mid feed, is it true milk changes with teething?",
    "drafting a parent leaflet: does a first febrile seizure always need an ambulance? wording help",
    "I'm 2 months postpartum with a fever of 38.7 and a cough. she's 9 weeks and well. keep feeding?",
    "I'm cold and clammy and pale in the mirror from no sleep, the twins are 5 weeks and thriving",
    "our cat has been throwing up and there's blood in her poo, the baby (6 weeks) is well, any risk?",
    "the baby's hiccups make her whole body jerk with every hic, 3 weeks, she doesn't mind",
    "she breastfeeds well but won't take a single ml from a bottle from anyone, nursery soon",
    "expecting twins in May and my mum keeps talking about blue lips, can I breastfeed two?",
    "read a news story about a baby who had a seizure from contaminated formula, ours is fine",
    "my friend's newborn was admitted last week with a fever of 38.4, he's ok now. does milk protect?",
    "what are the signs that a baby is seriously ill? I'm alone with our 4 week old tomorrow, he's well",
    "minding my granddaughter two days a week, what should I look out for with dehydration?",
    # sets 22 and 23
    "watched a drama last night where a baby turned blue, do milk antibodies help preterm babies?",
    "the midwife explained his fast-then-slow breathing with short pauses is periodic breathing, 3 weeks",
    "Last spring, at 14 months, she had a febrile seizure and has been well since; pregnant again, "
    "does breastfeeding lower the chance of febrile seizures?",
    "day 5, midwife checked her slight yellow tinge yesterday, well below the treatment line, "
    "today it's fading",
    "is 38 degrees a safe bath water temperature for a newborn?",
    "we're auditing prolonged jaundice referrals, which guideline should the audit standard follow?",
    "febrile seizures and breast milk, any link?",
    "our rabbit is floppy and off her food, oops wrong chat! can I mix fresh and fridge-cold milk?",
    "redrafting our leaflet on floppy or unresponsive babies, which sources back the 999 advice?",
    # sets 24 and 25
    "I practically turn blue in the face getting both twins latched, is tandem feeding realistic?",
    "in the waiting room a baby next to us went floppy and blue, mine is 6 weeks and fine",
    "my niece (5) says her doll has a rash that won't fade, so dramatic. does milk change when baby is ill?",
    "read a news story about a baby with a non-blanching rash, mine is well. does breastfeeding protect?",
    "she spits up a little white milky stuff after feeds, gaining well, lots of wet nappies. posseting?",
    "to answer you: he's not floppy, not breathing fast, just snotty, 5 months",
    "first trimester, vomiting 8 times a day with HG, still nursing my 20 month old, is my milk still good?",
    # found in the final review
    "is the period of purple crying a real thing? I read about it in a leaflet from the hospital",
    "is jaundice at 3 weeks always serious? I heard about a friend's baby. mine is 5 days old and pink",
]

# A benign reading overrules the classifier's urgent guess only when every sentence with a
# sign word reads as benign on its own or asks about a sign already told benignly.
ROUND_7_BENIGN_READINGS = [
    ("my nipples are cracked and bleed. baby 8 days, lots of wet nappies. "
     "is it harmful if she swallows my blood?", True),
    ("my 4 and a half year old has croup and is breathing easier tonight. will the baby catch it?",
     True),
    ("she had phototherapy for jaundice on day 2, all gone now. "
     "i'm wondering whether the jaundice affected her immunity", True),
    ("she had phototherapy for jaundice on day 2, all gone now. the jaundice is back today", False),
    ("my mum says green sick is nothing to worry about. baby is 5 weeks and has been sick green twice.",
     False),
    ("blocked nose from the cold going round, no fever (36.8), breathing is quiet and easy, "
     "7 or 8 wet nappies, 6 weeks", True),    ("another mum's baby at our group had a bili blanket for jaundice. is jaundice catching? "
     "mine is 5 weeks and has never been yellow", True),
]
