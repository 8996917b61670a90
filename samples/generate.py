#!/usr/bin/python3
"""Seeded, reproducible synthetic fax generator for faxintake (see samples/SPEC.md).

Makes fax transmissions of made-up patients (referral packets, insurance cards, prior
authorization letters, clinical and consult notes, lab and imaging reports, records
requests, junk faxes) as multi-page Group 3 / Group 4 TIFFs, image-only PDFs and
text-layer PDFs, each with a `<stem>.truth.json` ground truth file.

    /usr/bin/python3 samples/generate.py --seed 1 --count 20 --out samples/set

Runs on Debian's python3 with python3-pil, python3-numpy, python3-reportlab and the
fonts-liberation / fonts-dejavu-core fonts. Same seed and options => byte-identical files.
Everything is synthetic: names, addresses, phone numbers (555-01xx), member ids, NPIs.
"""

import argparse
import datetime as dt
import io
import json
import math
import os
import random
import struct
import sys
import time

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont, TiffImagePlugin
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas

SCHEMA = "faxintake.truth/1"

# ----------------------------------------------------------------------------------------
# Fonts and page geometry

_LIB = "/usr/share/fonts/truetype/liberation/"
_DJV = "/usr/share/fonts/truetype/dejavu/"
FONT_FILES = {
    "LiberationSans": _LIB + "LiberationSans-Regular.ttf",
    "LiberationSans-Bold": _LIB + "LiberationSans-Bold.ttf",
    "LiberationSerif": _LIB + "LiberationSerif-Regular.ttf",
    "LiberationSerif-Bold": _LIB + "LiberationSerif-Bold.ttf",
    "LiberationMono": _LIB + "LiberationMono-Regular.ttf",
    "LiberationMono-Bold": _LIB + "LiberationMono-Bold.ttf",
    "DejaVuSans": _DJV + "DejaVuSans.ttf",
    "DejaVuSans-Bold": _DJV + "DejaVuSans-Bold.ttf",
}
FAMILIES = ["LiberationSans", "LiberationSerif", "LiberationMono", "DejaVuSans"]
FAMILY_WEIGHTS = [0.40, 0.25, 0.12, 0.23]

PW, PH = 612.0, 792.0          # US Letter in points
FAX_W = 1728                   # pixels per row at 8 pels/mm
PX = FAX_W / PW                # pixels per point horizontally (about 203.3 dpi)
FINE_ROWS = [2156, 2166, 2176, 2200]


def register_fonts():
    for name, path in FONT_FILES.items():
        if not os.path.exists(path):
            sys.exit(f"generate.py: missing font {path} (install fonts-liberation and fonts-dejavu-core)")
        pdfmetrics.registerFont(TTFont(name, path))


def sw(text, font, size):
    return pdfmetrics.stringWidth(text, font, size)


# ----------------------------------------------------------------------------------------
# Reference tables (made-up people, real code systems)

FEMALE = ["Mary", "Patricia", "Jennifer", "Linda", "Elizabeth", "Barbara", "Susan", "Jessica",
          "Sarah", "Karen", "Lisa", "Nancy", "Betty", "Margaret", "Sandra", "Ashley", "Kimberly",
          "Emily", "Donna", "Michelle", "Carol", "Amanda", "Melissa", "Deborah", "Stephanie",
          "Rebecca", "Laura", "Sharon", "Cynthia", "Kathleen", "Amy", "Angela", "Anna", "Brenda",
          "Maria", "Rosa", "Guadalupe", "Carmen", "Ana", "Yesenia", "Mei", "Priya", "Aisha",
          "Nicole", "Heather", "Teresa", "Gloria", "Diane", "Joyce", "Evelyn", "Janet", "Frances"]
MALE = ["James", "Robert", "John", "Michael", "David", "William", "Richard", "Joseph", "Thomas",
        "Charles", "Christopher", "Daniel", "Matthew", "Anthony", "Mark", "Donald", "Steven",
        "Paul", "Andrew", "Joshua", "Kenneth", "Kevin", "Brian", "George", "Timothy", "Ronald",
        "Edward", "Jason", "Jeffrey", "Ryan", "Jacob", "Gary", "Nicholas", "Eric", "Jose", "Juan",
        "Luis", "Carlos", "Jesus", "Miguel", "Wei", "Raj", "Ahmed", "Tyrone", "Dennis", "Walter",
        "Larry", "Frank", "Scott", "Gregory", "Raymond", "Samuel"]
FAMILY = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
          "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson",
          "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White",
          "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young",
          "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green",
          "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter",
          "Roberts", "Gomez", "Phillips", "Evans", "Turner", "Diaz", "Parker", "Cruz", "Edwards",
          "Collins", "Reyes", "Stewart", "Morris", "Morales", "Murphy", "Cook", "Rogers",
          "Gutierrez", "Ortiz", "Morgan", "Cooper", "Peterson", "Bailey", "Reed", "Kelly",
          "Howard", "Ramos", "Kim", "Cox", "Ward", "Richardson", "Watson", "Brooks", "Chavez",
          "Wood", "James", "Bennett", "Gray", "Mendoza", "Ruiz", "Hughes", "Price", "Alvarez",
          "Castillo", "Sanders", "Patel", "Myers", "Long", "Ross", "Foster", "Jimenez", "Tran",
          "McDonald", "O'Brien", "Washington", "Okafor", "Schmidt", "Kowalski", "Chen", "Shah"]
PARTICLE_SURNAMES = ["De La Cruz", "De Leon", "Del Rio", "De La Garza", "Van Dyke", "Da Silva",
                     "De Los Santos", "Del Toro", "Van Buren", "De La Rosa"]
# Two surnames without a particle or hyphen: printed only as "LAST, FIRST" so that the
# split between given and family names is never ambiguous.
PLAIN_DOUBLE = [("Garcia", "Lopez"), ("Hernandez", "Martinez"), ("Ramirez", "Flores"),
                ("Sanchez", "Torres"), ("Gonzalez", "Rivera"), ("Perez", "Morales")]
MIDDLE_F = ["Ann", "Marie", "Lynn", "Louise", "Jean", "Rose", "Grace", "Elena", "Kay", "Mae"]
MIDDLE_M = ["James", "Lee", "Allen", "Wayne", "Ray", "Edward", "Michael", "Joseph", "Alan", "Luis"]

STREETS = ["Oak", "Maple", "Cedar", "Elm", "Pecan", "Main", "Lamar", "Guadalupe", "Congress",
           "Burnet", "Riverside", "Lakeshore", "Sunset", "Willow", "Bluebonnet", "Mockingbird",
           "Live Oak", "Hickory", "Magnolia", "Ridgeview", "Spring Creek", "Mesquite",
           "Pine Valley", "Redbud", "Mission", "Vista Grande", "Cottonwood", "Frontier",
           "Meadowbrook", "Walnut Hill", "Preston", "Bellaire", "Kirby", "Blanco", "Broadway"]
SUFFIXES = ["St", "Ave", "Dr", "Ln", "Blvd", "Rd", "Ct", "Way", "Pkwy", "Trl", "Cir", "Loop"]
SUFFIX_LONG = {"St": "Street", "Ave": "Avenue", "Dr": "Drive", "Ln": "Lane", "Blvd": "Boulevard",
               "Rd": "Road", "Ct": "Court", "Way": "Way", "Pkwy": "Parkway", "Trl": "Trail",
               "Cir": "Circle", "Loop": "Loop"}

# city, state, area codes, zip code range
CITIES = [
    ("Austin", "TX", ["512", "737"], (78701, 78759)),
    ("Round Rock", "TX", ["512"], (78664, 78681)),
    ("San Marcos", "TX", ["512"], (78666, 78667)),
    ("Dallas", "TX", ["214", "469", "972"], (75201, 75254)),
    ("Plano", "TX", ["972", "469"], (75023, 75094)),
    ("Houston", "TX", ["713", "281", "832"], (77002, 77099)),
    ("San Antonio", "TX", ["210"], (78201, 78260)),
    ("Fort Worth", "TX", ["817"], (76102, 76140)),
    ("El Paso", "TX", ["915"], (79901, 79938)),
    ("Corpus Christi", "TX", ["361"], (78401, 78418)),
    ("Phoenix", "AZ", ["602", "480"], (85003, 85054)),
    ("Denver", "CO", ["303", "720"], (80202, 80249)),
    ("Atlanta", "GA", ["404", "678"], (30303, 30350)),
    ("Tampa", "FL", ["813"], (33602, 33647)),
    ("Albuquerque", "NM", ["505"], (87102, 87123)),
    ("Oklahoma City", "OK", ["405"], (73102, 73179)),
    ("Baton Rouge", "LA", ["225"], (70801, 70820)),
    ("Nashville", "TN", ["615"], (37203, 37221)),
]
TX_CITIES = [c for c in CITIES if c[1] == "TX"]

# ICD-10-CM: code, description, specialty, short referral reason, complaint phrase, sex
ICD = [
    ("M17.11", "Unilateral primary osteoarthritis, right knee", "ORTHOPEDICS", "Evaluation of right knee pain", "right knee pain and stiffness", ""),
    ("M17.12", "Unilateral primary osteoarthritis, left knee", "ORTHOPEDICS", "Evaluation of left knee pain", "left knee pain with walking", ""),
    ("M25.511", "Pain in right shoulder", "ORTHOPEDICS", "Right shoulder pain", "right shoulder pain with overhead activity", ""),
    ("M75.101", "Unspecified rotator cuff tear or rupture of right shoulder, not specified as traumatic", "ORTHOPEDICS", "Possible right rotator cuff tear", "right shoulder weakness and night pain", ""),
    ("M54.16", "Radiculopathy, lumbar region", "PAIN MANAGEMENT", "Lumbar radiculopathy, consider injection", "low back pain radiating down the leg", ""),
    ("M54.50", "Low back pain, unspecified", "PHYSICAL THERAPY", "Physical therapy for low back pain", "low back pain", ""),
    ("G56.01", "Carpal tunnel syndrome, right upper limb", "NEUROLOGY", "EMG/NCS for right hand numbness", "numbness and tingling in the right hand", ""),
    ("M06.9", "Rheumatoid arthritis, unspecified", "RHEUMATOLOGY", "Evaluation of inflammatory arthritis", "morning stiffness and swollen hand joints", ""),
    ("M10.9", "Gout, unspecified", "RHEUMATOLOGY", "Recurrent gout flares", "recurrent painful swelling of the great toe", ""),
    ("M81.0", "Age-related osteoporosis without current pathological fracture", "ENDOCRINOLOGY", "Osteoporosis management", "low bone density on screening", ""),
    ("I48.91", "Unspecified atrial fibrillation", "CARDIOLOGY", "New onset atrial fibrillation", "an irregular heartbeat and fatigue", ""),
    ("I10", "Essential (primary) hypertension", "CARDIOLOGY", "Uncontrolled hypertension", "elevated blood pressure despite treatment", ""),
    ("I25.10", "Atherosclerotic heart disease of native coronary artery without angina pectoris", "CARDIOLOGY", "Coronary artery disease follow-up", "known coronary disease", ""),
    ("I50.9", "Heart failure, unspecified", "CARDIOLOGY", "Heart failure management", "leg swelling and shortness of breath", ""),
    ("R00.2", "Palpitations", "CARDIOLOGY", "Evaluation of palpitations", "intermittent palpitations", ""),
    ("R07.9", "Chest pain, unspecified", "CARDIOLOGY", "Evaluation of chest pain", "intermittent chest pain", ""),
    ("R01.1", "Cardiac murmur, unspecified", "CARDIOLOGY", "Evaluation of heart murmur", "a new heart murmur", ""),
    ("E11.9", "Type 2 diabetes mellitus without complications", "ENDOCRINOLOGY", "Diabetes management", "type 2 diabetes", ""),
    ("E11.65", "Type 2 diabetes mellitus with hyperglycemia", "ENDOCRINOLOGY", "Poorly controlled type 2 diabetes", "high blood sugars despite medication", ""),
    ("E03.9", "Hypothyroidism, unspecified", "ENDOCRINOLOGY", "Hypothyroidism management", "fatigue and an elevated TSH", ""),
    ("E05.90", "Thyrotoxicosis, unspecified without thyrotoxic crisis or storm", "ENDOCRINOLOGY", "Evaluation of hyperthyroidism", "weight loss, tremor and a suppressed TSH", ""),
    ("E04.1", "Nontoxic single thyroid nodule", "ENDOCRINOLOGY", "Evaluation of thyroid nodule", "a thyroid nodule found on imaging", ""),
    ("J45.909", "Unspecified asthma, uncomplicated", "PULMONOLOGY", "Asthma evaluation", "wheezing and cough at night", ""),
    ("J44.9", "Chronic obstructive pulmonary disease, unspecified", "PULMONOLOGY", "COPD management", "worsening shortness of breath on exertion", ""),
    ("G47.33", "Obstructive sleep apnea (adult) (pediatric)", "PULMONOLOGY", "Sleep study for suspected sleep apnea", "loud snoring and daytime sleepiness", ""),
    ("R06.02", "Shortness of breath", "PULMONOLOGY", "Evaluation of shortness of breath", "shortness of breath", ""),
    ("R05.9", "Cough, unspecified", "PULMONOLOGY", "Chronic cough", "a cough lasting more than eight weeks", ""),
    ("K21.9", "Gastro-esophageal reflux disease without esophagitis", "GASTROENTEROLOGY", "Refractory reflux symptoms", "heartburn not controlled by medication", ""),
    ("K58.9", "Irritable bowel syndrome without diarrhea", "GASTROENTEROLOGY", "Evaluation of chronic abdominal pain", "cramping abdominal pain and bloating", ""),
    ("Z12.11", "Encounter for screening for malignant neoplasm of colon", "GASTROENTEROLOGY", "Screening colonoscopy", "no symptoms; due for colon cancer screening", ""),
    ("K76.0", "Fatty (change of) liver, not elsewhere classified", "GASTROENTEROLOGY", "Elevated liver enzymes", "elevated liver enzymes", ""),
    ("K57.30", "Diverticulosis of large intestine without perforation or abscess without bleeding", "GASTROENTEROLOGY", "Diverticulosis follow-up", "left lower abdominal discomfort", ""),
    ("N18.30", "Chronic kidney disease, stage 3 unspecified", "NEPHROLOGY", "CKD stage 3 management", "a declining GFR", ""),
    ("N18.4", "Chronic kidney disease, stage 4 (severe)", "NEPHROLOGY", "Worsening kidney function", "a GFR below 30", ""),
    ("N40.1", "Benign prostatic hyperplasia with lower urinary tract symptoms", "UROLOGY", "Urinary symptoms, enlarged prostate", "frequent urination at night", "M"),
    ("R31.9", "Hematuria, unspecified", "UROLOGY", "Evaluation of hematuria", "blood in the urine", ""),
    ("N39.0", "Urinary tract infection, site not specified", "UROLOGY", "Recurrent urinary tract infections", "recurrent urinary tract infections", ""),
    ("G43.909", "Migraine, unspecified, not intractable, without status migrainosus", "NEUROLOGY", "Frequent migraines", "frequent headaches with nausea", ""),
    ("G40.909", "Epilepsy, unspecified, not intractable, without status epilepticus", "NEUROLOGY", "Seizure disorder follow-up", "a seizure disorder", ""),
    ("G62.9", "Polyneuropathy, unspecified", "NEUROLOGY", "Numbness in both feet", "numbness and burning in both feet", ""),
    ("R51.9", "Headache, unspecified", "NEUROLOGY", "Evaluation of chronic headaches", "daily headaches", ""),
    ("L40.0", "Psoriasis vulgaris", "DERMATOLOGY", "Psoriasis management", "scaly plaques on the elbows and knees", ""),
    ("L57.0", "Actinic keratosis", "DERMATOLOGY", "Evaluation of skin lesions", "rough scaly spots on the face", ""),
    ("D48.5", "Neoplasm of uncertain behavior of skin", "DERMATOLOGY", "Changing mole, rule out melanoma", "a changing mole on the back", ""),
    ("H25.9", "Unspecified age-related cataract", "OPHTHALMOLOGY", "Cataract evaluation", "blurred vision and glare", ""),
    ("H40.9", "Unspecified glaucoma", "OPHTHALMOLOGY", "Glaucoma follow-up", "elevated eye pressure", ""),
    ("J32.9", "Chronic sinusitis, unspecified", "OTOLARYNGOLOGY", "Chronic sinus congestion", "nasal congestion and facial pressure", ""),
    ("H91.90", "Unspecified hearing loss, unspecified ear", "OTOLARYNGOLOGY", "Evaluation of hearing loss", "decreased hearing", ""),
    ("F41.1", "Generalized anxiety disorder", "PSYCHIATRY", "Anxiety management", "persistent anxiety and poor sleep", ""),
    ("F32.A", "Depression, unspecified", "PSYCHIATRY", "Depression, medication management", "low mood and loss of interest", ""),
    ("D50.9", "Iron deficiency anemia, unspecified", "HEMATOLOGY", "Evaluation of iron deficiency anemia", "fatigue and a low hemoglobin", ""),
]
ICD_BY_CODE = {row[0]: row for row in ICD}
COMORBID = ["I10", "E11.9", "E78.5", "E03.9", "K21.9", "J45.909", "F41.1"]
ICD_BY_CODE["E78.5"] = ("E78.5", "Hyperlipidemia, unspecified", "CARDIOLOGY", "Hyperlipidemia", "high cholesterol", "")

# CPT (descriptions are short paraphrases)
CPT = {
    "99203": "New patient office visit, low complexity",
    "99204": "New patient office visit, moderate complexity",
    "99205": "New patient office visit, high complexity",
    "99214": "Established patient office visit",
    "20610": "Arthrocentesis/injection, major joint",
    "73721": "MRI lower extremity joint without contrast",
    "73221": "MRI upper extremity joint without contrast",
    "72148": "MRI lumbar spine without contrast",
    "64483": "Transforaminal epidural injection, lumbar",
    "97161": "Physical therapy evaluation",
    "97110": "Therapeutic exercise",
    "97140": "Manual therapy",
    "95886": "Needle EMG, each extremity",
    "95910": "Nerve conduction studies",
    "86431": "Rheumatoid factor",
    "93000": "Electrocardiogram with interpretation",
    "93306": "Echocardiogram, complete, with Doppler",
    "93224": "External ECG monitoring up to 48 hours",
    "93015": "Cardiovascular stress test",
    "76536": "Ultrasound, soft tissues of head and neck",
    "77080": "DXA bone density study",
    "94010": "Spirometry",
    "94060": "Spirometry before and after bronchodilator",
    "95810": "Polysomnography, attended",
    "71250": "CT chest without contrast",
    "45378": "Colonoscopy, diagnostic",
    "43239": "Upper GI endoscopy with biopsy",
    "76700": "Ultrasound, abdomen, complete",
    "76770": "Ultrasound, retroperitoneal, complete",
    "52000": "Cystoscopy",
    "51798": "Post-void residual by ultrasound",
    "70551": "MRI brain without contrast",
    "95816": "EEG, awake and drowsy",
    "11102": "Tangential biopsy of skin, single lesion",
    "17000": "Destruction of premalignant lesion, first",
    "92004": "Eye exam, new patient, comprehensive",
    "66984": "Cataract removal with lens implant",
    "92133": "OCT scanning, optic nerve",
    "31231": "Nasal endoscopy, diagnostic",
    "92557": "Comprehensive audiometry",
    "90791": "Psychiatric diagnostic evaluation",
    "90834": "Psychotherapy, 45 minutes",
    "85025": "Complete blood count with differential",
}
SPECIALTY_CPT = {
    "ORTHOPEDICS": ["99204", "20610", "73721", "73221"],
    "PAIN MANAGEMENT": ["99204", "64483", "72148"],
    "PHYSICAL THERAPY": ["97161", "97110", "97140"],
    "NEUROLOGY": ["99204", "95886", "95910", "70551", "95816"],
    "RHEUMATOLOGY": ["99204", "86431", "20610"],
    "ENDOCRINOLOGY": ["99204", "76536", "77080"],
    "CARDIOLOGY": ["99204", "93000", "93306", "93224", "93015"],
    "PULMONOLOGY": ["99204", "94010", "94060", "95810", "71250"],
    "GASTROENTEROLOGY": ["99204", "45378", "43239", "76700"],
    "NEPHROLOGY": ["99204", "76770"],
    "UROLOGY": ["99204", "52000", "51798"],
    "DERMATOLOGY": ["99203", "11102", "17000"],
    "OPHTHALMOLOGY": ["92004", "66984", "92133"],
    "OTOLARYNGOLOGY": ["99204", "31231", "92557"],
    "PSYCHIATRY": ["90791", "90834"],
    "HEMATOLOGY": ["99204", "85025"],
}
SPECIALTY_WORDS = {
    "ORTHOPEDICS": ["Orthopedics", "Orthopedic Associates", "Bone and Joint Center"],
    "PAIN MANAGEMENT": ["Pain Management", "Spine and Pain Center"],
    "PHYSICAL THERAPY": ["Physical Therapy", "Rehab and Physical Therapy"],
    "NEUROLOGY": ["Neurology", "Neurology Associates"],
    "RHEUMATOLOGY": ["Rheumatology", "Arthritis and Rheumatology"],
    "ENDOCRINOLOGY": ["Endocrinology", "Diabetes and Endocrine Center"],
    "CARDIOLOGY": ["Cardiology", "Heart Center", "Cardiology Associates"],
    "PULMONOLOGY": ["Pulmonary Associates", "Lung and Sleep Center"],
    "GASTROENTEROLOGY": ["Gastroenterology", "Digestive Health"],
    "NEPHROLOGY": ["Kidney Specialists", "Nephrology Associates"],
    "UROLOGY": ["Urology", "Urology Associates"],
    "DERMATOLOGY": ["Dermatology", "Skin and Dermatology"],
    "OPHTHALMOLOGY": ["Eye Center", "Ophthalmology"],
    "OTOLARYNGOLOGY": ["ENT Associates", "Ear Nose and Throat"],
    "PSYCHIATRY": ["Behavioral Health", "Psychiatry Associates"],
    "HEMATOLOGY": ["Hematology and Oncology", "Blood Disorders Clinic"],
}
PLACES = ["Valley", "Lakeside", "Hill Country", "Northside", "Riverbend", "Cedar Park", "Oak Hill",
          "Westlake", "Southside", "Pecan Grove", "Bluebonnet", "Mesa Verde", "Prairie View",
          "Brookhaven", "Sunrise", "Maplewood", "Pine Ridge", "Heritage", "Crossroads",
          "Canyon Creek", "Capital", "Lone Star", "Central", "Gulf Coast", "Metro", "Summit"]
PRIMARY_KINDS = ["Family Medicine", "Internal Medicine", "Primary Care", "Family Practice",
                 "Medical Clinic", "Health Center", "Medical Associates", "Family Health"]

# Payers: normalized name, printed name, requires prior authorization (config/checklists.yaml)
PAYERS = [
    ("AETNA", "Aetna", True, 0.14),
    ("CIGNA", "Cigna", True, 0.10),
    ("HUMANA", "Humana", True, 0.09),
    ("UNITEDHEALTHCARE", "UnitedHealthcare", True, 0.14),
    ("BLUE CROSS BLUE SHIELD OF TEXAS", "Blue Cross Blue Shield of Texas", False, 0.16),
    ("MEDICARE", "Medicare", False, 0.15),
    ("MEDICAID", "Medicaid", False, 0.08),
    ("KAISER PERMANENTE", "Kaiser Permanente", False, 0.05),
    ("MOLINA HEALTHCARE", "Molina Healthcare", False, 0.05),
    ("TRICARE", "TRICARE", False, 0.04),
]
PA_PAYERS = ["AETNA", "CIGNA", "HUMANA", "UNITEDHEALTHCARE"]
PLAN_NAMES = {
    "AETNA": ["Open Access Managed Choice", "Aetna Choice POS II", "PPO"],
    "CIGNA": ["Open Access Plus", "LocalPlus", "PPO"],
    "HUMANA": ["Medicare Advantage HMO", "Gold Plus HMO", "ChoiceCare PPO"],
    "UNITEDHEALTHCARE": ["Choice Plus", "Navigate HMO", "Options PPO"],
    "BLUE CROSS BLUE SHIELD OF TEXAS": ["BlueChoice PPO", "Blue Advantage HMO", "Blue Essentials"],
    "MEDICARE": [""],
    "MEDICAID": ["STAR", "STAR+PLUS"],
    "KAISER PERMANENTE": ["Deductible HMO", "HMO"],
    "MOLINA HEALTHCARE": ["Marketplace Silver", "Medicaid STAR"],
    "TRICARE": ["Prime", "Select"],
}

MBI_LETTERS = "ACDEFGHJKMNPQRTUVWXY"
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
MON = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
DATE_STYLES = ["mdy_slash", "mdy_slash", "mdy_short", "mdy_dash", "iso", "long", "dmy_abbr"]
PHONE_STYLES = ["paren", "paren", "dash", "dot"]

CONTRACT_ORDER = [
    "patient.family_name", "patient.given_name", "patient.birth_date", "patient.sex",
    "patient.phone", "patient.address.line", "patient.address.city", "patient.address.state",
    "patient.address.postal_code", "patient.mrn", "insurance.payer", "insurance.member_id",
    "insurance.group_number", "authorization.number", "authorization.status",
    "authorization.start_date", "authorization.end_date", "authorization.visits",
    "referral.date", "referral.priority", "referral.specialty", "referral.reason",
    "referral.diagnosis_codes", "referral.procedure_codes", "referring.name",
    "referring.practice", "referring.npi", "referring.phone", "referring.fax",
    "referred_to.name", "fax_cover.page_count",
]
CORE_ITEMS = ["patient.birth_date", "insurance.member_id", "referring.npi",
              "referral.diagnosis_codes"]


# ----------------------------------------------------------------------------------------
# Small helpers: identifiers, formatting, normalization

def luhn_npi_check(nine):
    """Check digit of an NPI: Luhn over '80840' + the first nine digits."""
    total = 0
    for i, ch in enumerate(reversed("80840" + nine)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def make_npi(rng):
    nine = rng.choice("12") + "".join(rng.choice("0123456789") for _ in range(8))
    return nine + luhn_npi_check(nine)


def digits(rng, n):
    return "".join(rng.choice("0123456789") for _ in range(n))


def make_mbi(rng):
    L, D = MBI_LETTERS, "0123456789"
    return (rng.choice("123456789") + rng.choice(L) + rng.choice(L + D) + rng.choice(D)
            + rng.choice(L) + rng.choice(L + D) + rng.choice(D) + rng.choice(L) + rng.choice(L)
            + rng.choice(D) + rng.choice(D))


def alnum_upper(s):
    return "".join(ch for ch in s.upper() if ch.isalnum())


def make_member_id(rng, payer):
    """Returns the id as printed (may hold spaces or dashes); truth is alnum_upper of it."""
    if payer == "AETNA":
        return "W" + digits(rng, 9)
    if payer == "CIGNA":
        return "U" + digits(rng, 8) + rng.choice(["", " "]) + "0" + rng.choice("1234")
    if payer == "HUMANA":
        return "H" + digits(rng, 8)
    if payer == "UNITEDHEALTHCARE":
        return digits(rng, 9)
    if payer == "BLUE CROSS BLUE SHIELD OF TEXAS":
        pre = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(3))
        return pre + rng.choice(["", "", " "]) + digits(rng, 9)
    if payer == "MEDICARE":
        return make_mbi(rng)
    if payer == "MEDICAID":
        return digits(rng, 9)
    if payer == "KAISER PERMANENTE":
        return digits(rng, 8)
    if payer == "MOLINA HEALTHCARE":
        return "1" + digits(rng, 8)
    return digits(rng, 11)


def make_group(rng, payer):
    if payer in ("MEDICARE", "MEDICAID", "MOLINA HEALTHCARE", "TRICARE"):
        return None
    if payer == "AETNA":
        return "0" + digits(rng, 6)
    if payer == "CIGNA":
        return "3" + digits(rng, 6)
    if payer == "HUMANA":
        return "K" + digits(rng, 7)
    if payer == "UNITEDHEALTHCARE":
        return digits(rng, 6)
    if payer == "BLUE CROSS BLUE SHIELD OF TEXAS":
        return rng.choice(["", "B"]) + digits(rng, 6) + rng.choice(["", "-" + digits(rng, 3)])
    return digits(rng, 5) + "-" + digits(rng, 2)


def make_auth_number(rng):
    form = rng.choice(["A9", "PA", "D10", "REF", "UM", "LL8", "YYA"])
    if form == "A9":
        return "A" + digits(rng, 9)
    if form == "PA":
        return "PA-" + digits(rng, 4) + "-" + digits(rng, 6)
    if form == "D10":
        return digits(rng, 10)
    if form == "REF":
        return "REF" + digits(rng, 7)
    if form == "UM":
        return "UM" + digits(rng, 8)
    if form == "LL8":
        return rng.choice("ABCDEFGHKLMNPRTX") + rng.choice("ABCDEFGHKLMNPRTX") + digits(rng, 8)
    return digits(rng, 2) + rng.choice("AH") + digits(rng, 11)   # Medicare UTN shape


def fmt_date(d, style):
    if style == "mdy_slash":
        return f"{d.month:02d}/{d.day:02d}/{d.year}"
    if style == "mdy_short":
        return f"{d.month}/{d.day}/{d.year}"
    if style == "mdy_dash":
        return f"{d.month:02d}-{d.day:02d}-{d.year}"
    if style == "iso":
        return d.isoformat()
    if style == "long":
        return f"{MONTHS[d.month - 1]} {d.day}, {d.year}"
    return f"{d.day:02d} {MON[d.month - 1]} {d.year}"


def fmt_phone(p, style):
    a, b, c = p[:3], p[3:6], p[6:]
    if style == "paren":
        return f"({a}) {b}-{c}"
    if style == "dash":
        return f"{a}-{b}-{c}"
    return f"{a}.{b}.{c}"


def e164(p):
    return "+1" + p


def age_on(dob, day):
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def weighted(rng, items, weights):
    return rng.choices(items, weights=weights, k=1)[0]


def unique_phone(world, area):
    """A 555-01xx number; unique while the area code still has free numbers."""
    for _ in range(40):
        p = area + "55501" + f"{world.rng.randrange(0, 100):02d}"
        if p not in world.used_phones:
            break
    world.used_phones.add(p)
    return p


def allocate(rng, count, labels, weights):
    """Largest-remainder quota allocation, shuffled: small sets still show every kind."""
    total = sum(weights)
    raw = [count * w / total for w in weights]
    n = [int(math.floor(x)) for x in raw]
    order = sorted(range(len(labels)), key=lambda i: (-(raw[i] - n[i]), i))
    for i in order[: count - sum(n)]:
        n[i] += 1
    out = []
    for lab, k in zip(labels, n):
        out += [lab] * k
    rng.shuffle(out)
    return out


# ----------------------------------------------------------------------------------------
# The made-up world: patients, practices, providers

class Patient:
    def __init__(self, world, key):
        rng = world.rng
        self.key = key
        self.sex = rng.choice(["female", "male"])
        self.given = rng.choice(FEMALE if self.sex == "female" else MALE)
        self.middle = rng.choice(MIDDLE_F if self.sex == "female" else MIDDLE_M) \
            if rng.random() < 0.75 else ""
        r = rng.random()
        self.comma_only = False
        if r < 0.08:
            a, b = rng.sample(FAMILY[:60], 2)
            self.family = f"{a}-{b}"
        elif r < 0.14:
            self.family = rng.choice(PARTICLE_SURNAMES)
        elif r < 0.18:
            self.family = " ".join(rng.choice(PLAIN_DOUBLE))
            self.comma_only = True
        else:
            self.family = rng.choice(FAMILY)
        payer = weighted(rng, PAYERS, [p[3] for p in PAYERS])
        self.payer, self.payer_print, self.payer_pa = payer[0], payer[1], payer[2]
        lo, hi = (65, 92) if self.payer == "MEDICARE" else (18, 88)
        if self.payer == "HUMANA" and rng.random() < 0.6:
            lo, hi = 65, 90
        age = rng.randint(lo, hi)
        self.dob = world.today - dt.timedelta(days=age * 365 + rng.randint(0, 364))
        city = rng.choice(world.home_cities)
        self.city, self.state = city[0], city[1]
        self.zip = f"{rng.randint(*city[3]):05d}"
        self.zip4 = digits(rng, 4)
        self.area = rng.choice(city[2])
        self.phone = unique_phone(world, self.area)
        num = rng.randint(100, 9899)
        suf = rng.choice(SUFFIXES)
        self.street_short = f"{num} {rng.choice(STREETS)} {suf}"
        self.street_long = self.street_short[: -len(suf)] + SUFFIX_LONG[suf]
        self.unit = rng.choice(["", "", "", f"Apt {rng.randint(1, 40)}{rng.choice('ABCD')}",
                                f"Unit {rng.randint(100, 420)}"])
        self.member_id = make_member_id(rng, self.payer)
        self.group = make_group(rng, self.payer)
        self.plan = rng.choice(PLAN_NAMES[self.payer])
        self.mrn = rng.choice(["", "00", "A", "M"]) + digits(rng, rng.choice([6, 7, 8]))

    # name printing ------------------------------------------------------------------
    def name(self, style):
        fam, giv, mid = self.family, self.given, self.middle
        mi = mid[:1]
        if self.comma_only and style not in ("LAST, FIRST", "LAST, FIRST M", "Last, First M",
                                             "Last, First Middle"):
            style = "LAST, FIRST"
        if style == "LAST, FIRST":
            return f"{fam.upper()}, {giv.upper()}"
        if style == "LAST, FIRST M":
            return f"{fam.upper()}, {giv.upper()}" + (f" {mi}" if mi else "")
        if style == "Last, First M":
            return f"{fam}, {giv}" + (f" {mi}" if mi else "")
        if style == "Last, First Middle":
            return f"{fam}, {giv}" + (f" {mid}" if mid else "")
        if style == "First Last":
            return f"{giv} {fam}"
        if style == "First M. Last":
            return f"{giv} {mi}. {fam}" if mi else f"{giv} {fam}"
        if style == "FIRST M LAST":
            return (f"{giv} {mi} {fam}" if mi else f"{giv} {fam}").upper()
        return f"{giv} {fam}".upper()          # "FIRST LAST"

    def name_fields(self, f):
        f.put("patient.family_name", " ".join(self.family.upper().split()))
        f.put("patient.given_name", self.given.upper())

    def pronoun(self):
        return ("She", "her", "Her") if self.sex == "female" else ("He", "him", "His")


NAME_STYLES = ["LAST, FIRST", "LAST, FIRST M", "Last, First M", "Last, First Middle",
               "First Last", "First M. Last", "FIRST LAST"]


class Practice:
    def __init__(self, world, name, city=None, specialty=None):
        rng = world.rng
        self.name = name
        self.specialty = specialty
        city = city or rng.choice(world.home_cities)
        self.city, self.state = city[0], city[1]
        self.zip = f"{rng.randint(*city[3]):05d}"
        self.area = rng.choice(city[2])
        self.phone = unique_phone(world, self.area)
        self.fax = unique_phone(world, self.area)
        self.street = (f"{rng.randint(100, 9899)} {rng.choice(STREETS)} {rng.choice(SUFFIXES)}"
                       + rng.choice(["", f", Suite {rng.randint(1, 9)}{rng.randint(0, 5)}0",
                                     f", Ste {rng.randint(100, 450)}"]))
        self.providers = []

    def city_line(self):
        return f"{self.city}, {self.state} {self.zip}"


class Provider:
    def __init__(self, world, practice, creds):
        rng = world.rng
        self.given = rng.choice(FEMALE + MALE)
        self.mi = rng.choice("ABCDEFGHJKLMNPRSTW") if rng.random() < 0.5 else ""
        fam = rng.choice(FAMILY)
        if rng.random() < 0.06:
            fam = fam + "-" + rng.choice(FAMILY[:50])
        self.family = fam
        self.cred = rng.choice(creds)
        self.npi = make_npi(rng)
        self.practice = practice
        practice.providers.append(self)

    def name(self, style):
        dr = self.cred in ("MD", "DO")
        mid = f" {self.mi}." if self.mi else ""
        if style == "dr" and dr:
            return f"Dr. {self.given} {self.family}"
        if style == "dr_mi" and dr:
            return f"Dr. {self.given}{mid} {self.family}"
        if style == "cred_mi":
            return f"{self.given}{mid} {self.family}, {self.cred}"
        if style == "dr_cred" and dr:
            return f"Dr. {self.given} {self.family}, {self.cred}"
        if style == "upper":
            return f"{self.given} {self.family}, {self.cred}".upper()
        return f"{self.given} {self.family}, {self.cred}"

    def truth_name(self):
        return f"{self.given} {self.family}".upper()


PROVIDER_STYLES = ["dr", "dr_mi", "cred", "cred_mi", "dr_cred", "upper"]


class World:
    """All entities of one generator run; the patient pool lets a person come back."""

    def __init__(self, rng):
        self.rng = rng
        self.today = dt.date(2026, 3, 16)
        self.used_phones = set()
        metro = rng.choice(TX_CITIES[:3] + TX_CITIES[3:5] + TX_CITIES[5:6])
        self.home_cities = [metro] * 4 + rng.sample(CITIES, 4)
        self.patients = []
        self.next_patient = 1
        used = set()
        self.primary = []
        for _ in range(8):
            while True:
                name = f"{rng.choice(PLACES)} {rng.choice(PRIMARY_KINDS)}"
                if name not in used:
                    used.add(name)
                    break
            pr = Practice(self, name)
            for _ in range(rng.randint(1, 3)):
                Provider(self, pr, ["MD", "MD", "MD", "DO", "NP", "PA-C", "FNP-C"])
            self.primary.append(pr)
        self.specialists = {}
        for spec in SPECIALTY_CPT:
            lst = []
            for _ in range(2):
                while True:
                    name = f"{rng.choice(PLACES)} {rng.choice(SPECIALTY_WORDS[spec])}"
                    if name not in used:
                        used.add(name)
                        break
                pr = Practice(self, name, specialty=spec)
                creds = ["PT", "DPT"] if spec == "PHYSICAL THERAPY" else ["MD", "MD", "DO"]
                for _ in range(rng.randint(1, 2)):
                    Provider(self, pr, creds)
                lst.append(pr)
            self.specialists[spec] = lst

    def patient(self, reuse_p=0.12):
        if self.patients and self.rng.random() < reuse_p:
            return self.rng.choice(self.patients)
        p = Patient(self, f"P{self.next_patient:04d}")
        self.next_patient += 1
        self.patients.append(p)
        return p


# ----------------------------------------------------------------------------------------
# Pages: drawing operations in points (origin top-left), rendered to bitmaps or to PDF text

class Page:
    def __init__(self):
        self.ops = []

    def text(self, x, y, s, font, size, color=0):
        self.ops.append(("t", x, y, s, font, size, color))

    def center(self, y, s, font, size, x0=0.0, x1=PW):
        self.text((x0 + x1 - sw(s, font, size)) / 2, y, s, font, size)

    def right(self, x, y, s, font, size):
        self.text(x - sw(s, font, size), y, s, font, size)

    def line(self, x1, y1, x2, y2, w=0.8):
        self.ops.append(("l", x1, y1, x2, y2, w))

    def rect(self, x, y, w, h, lw=0.8, fill=None):
        self.ops.append(("r", x, y, w, h, lw, fill))

    def poly(self, pts, w=1.0):
        self.ops.append(("p", pts, w))


class Fields:
    def __init__(self):
        self.d = {}

    def put(self, key, value):
        assert key in CONTRACT_ORDER, key
        self.d[key] = value

    def has(self, key):
        return key in self.d

    def ordered(self):
        return {k: self.d[k] for k in CONTRACT_ORDER if k in self.d}


class Style:
    """Per-document look: font family, sizes, margins, how dates and phones are printed."""

    def __init__(self, rng, family=None):
        self.family = family or weighted(rng, FAMILIES, FAMILY_WEIGHTS)
        self.reg, self.bold = self.family, self.family + "-Bold"
        sizes = [9.5, 10, 10.5, 11, 11.5, 12]
        if self.family == "LiberationMono":
            sizes = [9.5, 10, 10.5]
        self.size = rng.choice(sizes)
        self.lead = self.size * rng.uniform(1.22, 1.42)
        self.left = rng.uniform(46, 74)
        self.right = PW - rng.uniform(46, 72)
        self.top = rng.uniform(62, 84)
        self.bottom = PH - rng.uniform(52, 70)
        self.date = rng.choice(DATE_STYLES)
        self.phone = rng.choice(PHONE_STYLES)
        self.pname = rng.choice(NAME_STYLES)
        self.prov = rng.choice(PROVIDER_STYLES)
        self.upper_values = rng.random() < 0.2

    @property
    def width(self):
        return self.right - self.left


NB = "\x07"   # joins words that must stay on one line when wrapping


def wrap(text, font, size, width):
    words = text.split(" ")
    lines, cur = [], ""
    for w in words:
        cand = w if not cur else cur + " " + w
        if sw(cand.replace(NB, " "), font, size) <= width or not cur:
            cur = cand
        else:
            lines.append(cur)
            cur = w
    if cur:
        lines.append(cur)
    return [ln.replace(NB, " ") for ln in lines]


def nb(s):
    return s.replace(" ", NB)


class Writer:
    """Flowing text on pages with automatic page breaks; `y` is the last baseline."""

    def __init__(self, st, continuation=None):
        self.st = st
        self.pages = []
        self.continuation = continuation
        self.new_page()

    def new_page(self):
        self.page = Page()
        self.pages.append(self.page)
        self.y = self.st.top
        if self.continuation and len(self.pages) > 1:
            self.continuation(self, len(self.pages))

    def need(self, h):
        if self.y + h > self.st.bottom:
            self.new_page()

    def space(self, h):
        self.y += h

    def line(self, s, font=None, size=None, x=None, lead=None):
        size = size or self.st.size
        lead = lead or (self.st.lead if size == self.st.size else size * 1.3)
        self.need(lead)
        self.y += lead
        self.page.text(self.st.left if x is None else x, self.y, s, font or self.st.reg, size)

    def center(self, s, font=None, size=None, lead=None):
        size = size or self.st.size
        lead = lead or size * 1.3
        self.need(lead)
        self.y += lead
        self.page.center(self.y, s, font or self.st.bold, size, self.st.left, self.st.right)

    def para(self, text, indent=0.0, font=None, size=None, after=None):
        size = size or self.st.size
        font = font or self.st.reg
        for ln in wrap(text, font, size, self.st.width - indent):
            self.line(ln, font, size, x=self.st.left + indent)
        self.y += self.st.lead * 0.45 if after is None else after

    def kv(self, label, value, col=None, size=None):
        size = size or self.st.size
        self.need(self.st.lead)
        self.y += self.st.lead
        x = self.st.left
        self.page.text(x, self.y, label, self.st.bold, size)
        vx = x + max(col or 0.0, sw(label, self.st.bold, size) + size * 0.6)
        self.value_at(vx, value, size, first=True)

    def value_at(self, vx, value, size=None, first=False):
        """A value starting at column vx, wrapped at the right margin onto lines below."""
        size = size or self.st.size
        for i, ln in enumerate(wrap(value, self.st.reg, size, self.st.right - vx) or [""]):
            if i or not first:
                self.line(ln, self.st.reg, size, x=vx)
            else:
                self.page.text(vx, self.y, ln, self.st.reg, size)

    def heading(self, s, rule=True, size=None):
        size = size or self.st.size + 1
        self.need(self.st.lead * 2.5)
        self.y += self.st.lead * 0.5
        self.line(s, self.st.bold, size, lead=size * 1.35)
        if rule:
            self.page.line(self.st.left, self.y + 3, self.st.right, self.y + 3, 0.7)
            self.y += 3

    def rule(self, w=0.8):
        self.y += 4
        self.page.line(self.st.left, self.y, self.st.right, self.y, w)
        self.y += 2


def scribble(rng, page, x, y, w, h):
    """A handwritten-looking signature: a capital loop, cursive loops, a trailing flourish."""
    pts = []
    slant = rng.uniform(0.15, 0.45)
    cap = rng.uniform(0.10, 0.18) * w
    for i in range(22):                      # the capital: a tall narrow loop
        t = i / 21 * 2 * math.pi
        cy = -h * 0.6 + h * 0.75 * math.cos(t)
        pts.append((x + cap * 0.5 + cap * 0.3 * math.sin(t) - slant * cy, y + cy))
    k = rng.randint(4, 8)                    # cursive loops (a prolate cycloid)
    n = 16 * k
    x0 = x + cap
    span = w - cap
    rx = span / (2 * math.pi * k) * rng.uniform(1.5, 2.4)
    tall = [rng.uniform(0.45, 1.7) for _ in range(k + 1)]
    for i in range(n + 1):
        t = i / n
        a = 2 * math.pi * k * t
        ry = h * 0.3 * tall[int(t * k)]
        cy = -ry * (1 - math.cos(a))
        pts.append((x0 + span * t - rx * math.sin(a) - slant * cy, y + cy))
    page.poly(pts, rng.uniform(0.9, 1.4))
    if rng.random() < 0.6:
        page.line(x + w * 0.05, y + 3, x + w * rng.uniform(0.6, 1.0), y + rng.uniform(-2, 4), 0.9)


# ----------------------------------------------------------------------------------------
# Documents

class Doc:
    def __init__(self, type_, layout, patient, pages, fields):
        self.type = type_
        self.layout = layout
        self.patient = patient.key if patient is not None else None
        self.pages = pages
        self.fields = fields
        self.missing = []


class Clin:
    """What a referral is about: codes, specialty, target, priority, authorization."""

    def __init__(self, ctx, pt, prov):
        rng = ctx.rng
        rows = [r for r in ICD if r[5] in ("", "M" if pt.sex == "male" else "F")]
        self.primary = rng.choice(rows)
        self.codes = [self.primary[0]]
        for _ in range(rng.choice([0, 0, 1, 1, 2])):
            c = rng.choice(COMORBID)
            if c not in self.codes:
                self.codes.append(c)
        self.specialty = self.primary[2]
        self.reason = self.primary[3]
        self.priority = weighted(rng, ["routine", "urgent", "stat"], [0.68, 0.25, 0.07])
        self.target = rng.choice(ctx.world.specialists[self.specialty])
        self.target_prov = rng.choice(self.target.providers) if rng.random() < 0.8 else None
        self.date = ctx.send_date - dt.timedelta(days=rng.choice([0, 0, 0, 1, 1, 2, 3, 5]))
        self.auth = make_auth_number(rng) if (pt.payer_pa or rng.random() < 0.25) else None
        self.cpts = rng.sample(SPECIALTY_CPT[self.specialty],
                               min(len(SPECIALTY_CPT[self.specialty]), rng.choice([1, 2, 2, 3])))

    def referred_to_truth(self):
        if self.target_prov:
            return self.target_prov.truth_name()
        return " ".join(self.target.name.upper().split())


def article(n):
    """'an 81-year-old', 'a 72-year-old'."""
    return "an" if str(n)[0] == "8" or n in (11, 18) else "a"


def lower_first(s):
    return s[0].lower() + s[1:] if len(s) > 1 and s[1].islower() else s


def icd_print(ctx, code):
    return code.replace(".", "") if ctx.dotless else code


def case(st, s):
    return s.upper() if st.upper_values else s


def spec_print(rng, spec):
    return spec if rng.random() < 0.4 else spec.title()


def referred_to_print(rng, st, clin):
    if clin.target_prov:
        n = clin.target_prov.name(rng.choice(["dr", "cred", "dr_mi", "cred_mi"]))
        if rng.random() < 0.25:
            n += f" ({clin.target.name})"
        return n
    return clin.target.name


def sex_print(rng, pt, short):
    if short:
        return "F" if pt.sex == "female" else "M"
    return "Female" if pt.sex == "female" else "Male"


# -- referral: boxed form ------------------------------------------------------------------

def referral_boxed(ctx, st, pt, prov, clin, omit, two_page):
    rng, f = ctx.rng, Fields()
    L = max(30.0, st.left - rng.uniform(6, 22))
    R = min(PW - 30.0, st.right + rng.uniform(6, 22))
    W = R - L
    lab_font = rng.choice([st.bold, st.reg, "LiberationSans-Bold", "LiberationSans"])
    lab_size = rng.choice([7.5, 8.0, 8.0, 8.5])
    vsize = min(st.size, 11.5)
    h = lab_size + vsize + rng.uniform(11, 15)
    lw = rng.choice([0.6, 0.8, 1.0, 1.2])
    band_style = rng.choice(["black", "text", "text_rule"])
    dstyle = st.date

    pages = [Page()]
    pg = pages[0]
    y = st.top - 8
    title = rng.choice(["REFERRAL FORM", "OUTPATIENT REFERRAL"])
    hdr = rng.choice(["left", "center"])
    if hdr == "left":
        pg.text(L, y, prov.practice.name, st.bold, st.size + 1)
        pg.right(R, y, title, st.bold, 16)
        y += 10
    else:
        pg.center(y, prov.practice.name.upper(), st.bold, st.size)
        y += 22
        pg.center(y, title, st.bold, rng.choice([16, 17, 18]))
        y += 8
    y += 8

    def band(label):
        nonlocal y
        bh = lab_size + 7
        if band_style == "black":
            pg.rect(L, y, W, bh, 0, fill=0)
            pg.text(L + 4, y + bh - 3.5, label, "LiberationSans-Bold", lab_size + 0.5, color=255)
        else:
            pg.text(L, y + bh - 3, label, st.bold, lab_size + 1.5)
            if band_style == "text_rule":
                pg.line(L, y + bh, R, y + bh, lw)
        y += bh + (0 if band_style == "black" else 2)

    def row(cells, height=None):
        """cells: (label, printed value or '', width fraction)."""
        nonlocal y
        hh = height or h
        cx = L
        for label, value, frac in cells:
            cw = W * frac
            pg.rect(cx, y, cw, hh, lw)
            pg.text(cx + 3, y + lab_size + 2, label, lab_font, lab_size)
            if value:
                s = vsize
                while sw(value, st.reg, s) > cw - 9 and s > 7.5:
                    s -= 0.5
                if sw(value, st.reg, s) > cw - 9 and " (" in value:
                    value = value[:value.index(" (")]      # the practice after a named person
                assert sw(value, st.reg, s) <= cw - 4, value
                pg.text(cx + 5, y + lab_size + 4 + s * 1.05, value, st.reg, s)
            cx += cw
        y += hh

    # patient
    band("PATIENT INFORMATION")
    pname = case(st, pt.name(rng.choice(["LAST, FIRST", "LAST, FIRST M", "Last, First M"])))
    pt.name_fields(f)
    dob = ""
    if omit != "patient.birth_date":
        dob = fmt_date(pt.dob, dstyle)
        f.put("patient.birth_date", pt.dob.isoformat())
    f.put("patient.sex", pt.sex)
    f.put("patient.phone", e164(pt.phone))
    row([("PATIENT NAME (LAST, FIRST)", pname, 0.44), ("DATE OF BIRTH", dob, 0.2),
         ("SEX", sex_print(rng, pt, rng.random() < 0.7), 0.12),
         ("PHONE", fmt_phone(pt.phone, st.phone), 0.24)])
    street = pt.street_short if rng.random() < 0.7 else pt.street_long
    if pt.unit:
        street += " " + pt.unit
    street = case(st, street)
    zipp = pt.zip + ("-" + pt.zip4 if rng.random() < 0.15 else "")
    f.put("patient.address.line", " ".join(street.upper().split()))
    f.put("patient.address.city", pt.city.upper())
    f.put("patient.address.state", pt.state)
    f.put("patient.address.postal_code", pt.zip)
    row([("ADDRESS", street, 0.46), ("CITY", case(st, pt.city), 0.24), ("STATE", pt.state, 0.12),
         ("ZIP", zipp, 0.18)])
    # insurance
    band("INSURANCE INFORMATION")
    payer = pt.payer_print if rng.random() < 0.6 else pt.payer
    f.put("insurance.payer", pt.payer)
    mid = ""
    if omit != "insurance.member_id":
        mid = pt.member_id
        f.put("insurance.member_id", alnum_upper(mid))
    grp = ""
    if pt.group:
        grp = pt.group
        f.put("insurance.group_number", alnum_upper(grp))
    row([("INSURANCE", payer, 0.42), ("MEMBER ID", mid, 0.33), ("GROUP #", grp, 0.25)])
    # referring provider
    band("REFERRING PROVIDER")
    npi = ""
    if omit != "referring.npi":
        npi = prov.npi
        f.put("referring.npi", npi)
    f.put("referring.name", prov.truth_name())
    f.put("referring.practice", " ".join(prov.practice.name.upper().split()))
    row([("REFERRING PROVIDER", case(st, prov.name(st.prov)), 0.36), ("NPI", npi, 0.2),
         ("PRACTICE", case(st, prov.practice.name), 0.44)])
    f.put("referring.phone", e164(prov.practice.phone))
    f.put("referring.fax", e164(prov.practice.fax))
    row([("PHONE", fmt_phone(prov.practice.phone, st.phone), 0.5),
         ("FAX", fmt_phone(prov.practice.fax, st.phone), 0.5)])

    if two_page:
        # page 1 carries the medication list and history; the referral itself is on page 2
        band("CLINICAL INFORMATION")
        meds = rng.sample(MEDS, rng.randint(3, 6))
        mh = (lab_size + 8) + st.size * 1.3 * len(meds)
        pg.rect(L, y, W, mh, lw)
        pg.text(L + 3, y + lab_size + 2, "CURRENT MEDICATIONS", lab_font, lab_size)
        for i, m in enumerate(meds):
            pg.text(L + 8, y + lab_size + 4 + st.size * 1.3 * (i + 1), m, st.reg, st.size)
        y += mh
        row([("ALLERGIES", rng.choice(["NKDA", "Penicillin (rash)", "Sulfa drugs", "Codeine (nausea)"]), 1.0)])
        nh = min(st.bottom - y - 10, rng.uniform(120, 190))
        if nh > 60:
            pg.rect(L, y, W, nh, lw)
            pg.text(L + 3, y + lab_size + 2, "PERTINENT HISTORY", lab_font, lab_size)
            ty = y + lab_size + 4
            for ln in wrap(clinical_summary(ctx, pt, clin) + " " + letter_history(ctx, pt, clin),
                           st.reg, st.size, W - 12):
                ty += st.size * 1.3
                if ty > y + nh - 4:
                    break
                pg.text(L + 6, ty, ln, st.reg, st.size)
            y += nh
        pg.center(PH - 30, "Page 1 of 2", st.reg, 8.5)
        pg = Page()
        pages.append(pg)
        y = st.top - 8
        pg.center(y, f"{title} (continued)", st.bold, 13)
        y += 12
        row([("PATIENT NAME (LAST, FIRST)", pname, 0.6), ("DATE OF BIRTH", dob, 0.4)])
        y += 6

    band("REFERRAL INFORMATION")
    f.put("referred_to.name", clin.referred_to_truth())
    f.put("referral.specialty", clin.specialty)
    row([("REFER TO", case(st, referred_to_print(rng, st, clin)), 0.6),
         ("SPECIALTY", spec_print(rng, clin.specialty), 0.4)])
    dx = ""
    if omit != "referral.diagnosis_codes":
        f.put("referral.diagnosis_codes", list(clin.codes))
        parts = [icd_print(ctx, c) for c in clin.codes]
        dx = f"{parts[0]} - {ICD_BY_CODE[clin.codes[0]][1]}"
        if len(parts) > 1:
            dx += "; " + ", ".join(parts[1:])
        if sw(dx, st.reg, 8.5) > W - 10:
            dx = ", ".join(parts)
    row([("DIAGNOSIS (ICD-10)", dx, 1.0)])
    reason = case(st, clin.reason)
    f.put("referral.reason", reason)
    row([("REASON FOR REFERRAL", reason, 1.0)])
    marks = {p: ("[X]" if clin.priority == p else "[ ]") for p in ("routine", "urgent", "stat")}
    prio = f"{marks['routine']} Routine   {marks['urgent']} Urgent   {marks['stat']} STAT"
    f.put("referral.priority", clin.priority)
    auth = ""
    if clin.auth and omit != "authorization.number":
        auth = clin.auth
        f.put("authorization.number", alnum_upper(auth))
    elif not pt.payer_pa and rng.random() < 0.3:
        auth = rng.choice(["N/A", "Not required"])
    row([("PRIORITY", prio, 0.62), ("AUTHORIZATION #", auth, 0.38)])
    f.put("referral.date", clin.date.isoformat())
    sig_y = y
    row([("DATE", fmt_date(clin.date, dstyle), 0.3), ("PROVIDER SIGNATURE", "", 0.7)],
        height=h + 8)
    scribble(rng, pg, L + W * 0.36, sig_y + h + 2, W * rng.uniform(0.22, 0.34), 14)

    # free-text notes cell to fill the page
    room = st.bottom - y - 40
    if room > 80:
        y += 10
        nh = min(room, rng.uniform(110, 200))
        pg.rect(L, y, W, nh, lw)
        pg.text(L + 3, y + lab_size + 2, "PERTINENT HISTORY / CLINICAL NOTES", lab_font, lab_size)
        ty = y + lab_size + 4
        for ln in wrap(clinical_summary(ctx, pt, clin), st.reg, st.size, W - 12):
            ty += st.size * 1.3
            if ty > y + nh - 4:
                break
            pg.text(L + 6, ty, ln, st.reg, st.size)
        y += nh
    foot = rng.choice([
        "Please fax office notes and scheduling information to the referring office.",
        "Referral valid for 90 days from the date above unless otherwise noted.",
        "Please call the patient to schedule. Send consult report to referring provider."])
    pg.text(L, min(y + 22, PH - 40), foot, st.reg, 8.5)
    pg.text(L, PH - 30, f"Form REF-{rng.randint(100, 450)} Rev. {rng.randint(1, 12):02d}/20{rng.randint(18, 25)}", st.reg, 7.5)
    if two_page:
        pg.center(PH - 30, "Page 2 of 2", st.reg, 8.5)
    return pages, f


def clinical_summary(ctx, pt, clin):
    rng = ctx.rng
    age = age_on(pt.dob, clin.date)
    sexw = "female" if pt.sex == "female" else "male"
    dur = rng.choice(["3 weeks", "2 months", "several months", "6 months", "over a year"])
    what = clin.primary[4] if clin.primary[0].startswith("Z") else f"{clin.primary[4]} for {dur}"
    s = (f"{age}-year-old {sexw} with {what}. "
         + rng.choice(["Symptoms have worsened despite conservative treatment. ",
                       "Tried over-the-counter medication without relief. ",
                       "Recent labs and imaging enclosed if available. ",
                       "No prior specialist evaluation. "])
         + rng.choice(["Please evaluate and treat.", "Please evaluate and advise on management.",
                       "Thank you for seeing this patient."]))
    return s


# -- referral: label-value lines -------------------------------------------------------------

def referral_lines(ctx, st, pt, prov, clin, omit, two_page):
    rng, f = ctx.rng, Fields()
    aligned = rng.random() < 0.6
    col = rng.uniform(128, 158) if aligned else None
    ds = st.date
    blank_mode = rng.choice(["omit", "blank", "underscore"])

    def cont(w, n):
        w.page.text(st.left, st.top - 14, f"Referral Request - page {n}", st.reg, 9)
        w.page.right(st.right, st.top - 14, f"Patient: {pname}", st.reg, 9)
        w.y += 6

    pname = case(st, pt.name(st.pname))
    w = Writer(st, cont)
    pg = w.page
    pg.text(st.left, st.top - 18, prov.practice.name, st.bold, st.size + 2)
    pg.text(st.left, st.top - 18 + st.size * 1.3, prov.practice.street, st.reg, st.size - 1)
    pg.text(st.left, st.top - 18 + st.size * 2.5, prov.practice.city_line(), st.reg, st.size - 1)
    w.y += st.size * 2.6
    w.space(8)
    if rng.random() < 0.5:
        w.center("Referral Request", st.bold, 17, lead=28)
    else:
        w.line("Referral Request", st.bold, 17, lead=28)
    w.space(4)
    f.put("referral.date", clin.date.isoformat())
    w.kv("Date:", fmt_date(clin.date, ds), col)

    def kv(label, value, key=None, truth=None, omitted=False):
        if omitted:
            if blank_mode == "omit":
                return
            w.kv(label, "" if blank_mode == "blank" else "_______________", col)
            return
        w.kv(label, value, col)
        if key:
            f.put(key, truth)

    w.heading(rng.choice(["Patient Information", "PATIENT", "Patient Demographics"]))
    pt.name_fields(f)
    kv("Patient Name:", pname)
    kv(rng.choice(["DOB:", "Date of Birth:"]), fmt_date(pt.dob, ds), "patient.birth_date",
       pt.dob.isoformat(), omitted=(omit == "patient.birth_date"))
    kv(rng.choice(["Sex:", "Gender:"]), sex_print(rng, pt, rng.random() < 0.4), "patient.sex", pt.sex)
    kv(rng.choice(["Phone:", "Home Phone:"]), fmt_phone(pt.phone, st.phone), "patient.phone", e164(pt.phone))
    street = pt.street_short if rng.random() < 0.6 else pt.street_long
    if pt.unit:
        street += " " + pt.unit
    street = case(st, street)
    kv("Address:", street, "patient.address.line", " ".join(street.upper().split()))
    zipp = pt.zip + ("-" + pt.zip4 if rng.random() < 0.15 else "")
    city = pt.city.upper() if rng.random() < 0.5 else case(st, pt.city)
    kv("City/State/ZIP:", f"{city}, {pt.state} {zipp}")
    f.put("patient.address.city", pt.city.upper())
    f.put("patient.address.state", pt.state)
    f.put("patient.address.postal_code", pt.zip)

    w.heading(rng.choice(["Insurance", "Insurance Information", "INSURANCE"]))
    payer = pt.payer_print if rng.random() < 0.6 else pt.payer
    kv(rng.choice(["Insurance:", "Payer:"]), payer, "insurance.payer", pt.payer)
    kv(rng.choice(["Member ID:", "Subscriber ID:"]), pt.member_id, "insurance.member_id",
       alnum_upper(pt.member_id), omitted=(omit == "insurance.member_id"))
    if pt.group:
        kv(rng.choice(["Group:", "Group #:"]), pt.group, "insurance.group_number", alnum_upper(pt.group))

    w.heading(rng.choice(["Referring Provider", "REFERRING PROVIDER"]))
    kv("Referring Provider:", case(st, prov.name(st.prov)), "referring.name", prov.truth_name())
    kv("NPI:", prov.npi, "referring.npi", prov.npi, omitted=(omit == "referring.npi"))
    kv("Practice:", case(st, prov.practice.name), "referring.practice",
       " ".join(prov.practice.name.upper().split()))
    kv("Phone:", fmt_phone(prov.practice.phone, st.phone), "referring.phone", e164(prov.practice.phone))
    kv("Fax:", fmt_phone(prov.practice.fax, st.phone), "referring.fax", e164(prov.practice.fax))

    w.heading(rng.choice(["Referral Details", "Referral Information", "REFERRAL"]))
    kv("Referred To:", case(st, referred_to_print(rng, st, clin)), "referred_to.name",
       clin.referred_to_truth())
    kv("Specialty:", spec_print(rng, clin.specialty), "referral.specialty", clin.specialty)
    dxlabel = rng.choice(["Diagnosis:", "ICD-10:"])
    if omit == "referral.diagnosis_codes":
        if blank_mode != "omit":
            kv(dxlabel, "", omitted=True)
    else:
        f.put("referral.diagnosis_codes", list(clin.codes))
        for i, c in enumerate(clin.codes):
            txt = f"{icd_print(ctx, c)} - {ICD_BY_CODE[c][1]}"
            if i == 0:
                w.kv(dxlabel, txt, col)
            else:
                w.value_at(st.left + max(col or 0.0, sw(dxlabel, st.bold, st.size) + st.size * 0.6), txt)
    reason = case(st, clin.reason)
    kv("Reason for Referral:", reason, "referral.reason", reason)
    pword = {"routine": "Routine", "urgent": rng.choice(["Urgent", "Urgent", "ASAP"]),
             "stat": "STAT"}[clin.priority]
    kv("Priority:", pword, "referral.priority", clin.priority)
    alabel = rng.choice(["Auth #:", "Authorization Number:"])
    if clin.auth and omit != "authorization.number":
        kv(alabel, clin.auth, "authorization.number", alnum_upper(clin.auth))
    elif omit == "authorization.number":
        kv(alabel, "", omitted=True)
    elif rng.random() < 0.3:
        kv(alabel, rng.choice(["N/A", "Not required", "Pending"]))

    if two_page:
        w.new_page()
    w.heading(rng.choice(["Clinical Summary", "Pertinent History"]))
    w.para(clinical_summary(ctx, pt, clin))
    if two_page or rng.random() < 0.5:
        w.para("Current medications: " + ", ".join(rng.sample(MEDS, rng.randint(2, 5))) + ".")
        w.para("Allergies: " + rng.choice(["NKDA", "Penicillin (rash)", "Sulfa", "None known"]) + ".")
    w.space(18)
    w.need(50)
    w.y += 24
    scribble(rng, w.page, st.left + 110, w.y - 4, 130, 14)
    w.page.text(st.left, w.y, "Provider Signature:", st.bold, st.size)
    w.page.line(st.left + 105, w.y + 2, st.left + 300, w.y + 2, 0.6)
    return w.pages, f


MEDS = ["lisinopril 10 mg daily", "metformin 500 mg twice daily", "atorvastatin 40 mg daily",
        "amlodipine 5 mg daily", "levothyroxine 75 mcg daily", "omeprazole 20 mg daily",
        "albuterol inhaler as needed", "sertraline 50 mg daily", "meloxicam 15 mg daily",
        "metoprolol succinate 25 mg daily", "gabapentin 300 mg at bedtime",
        "hydrochlorothiazide 25 mg daily", "aspirin 81 mg daily", "losartan 50 mg daily"]


# -- referral: narrative letter ---------------------------------------------------------------

def letterhead(rng, st, page, practice, with_phones=True):
    y = st.top - 20
    style = rng.choice(["center", "left"])
    size = rng.choice([15, 16, 17, 18])
    if style == "center":
        page.center(y, practice.name.upper() if rng.random() < 0.5 else practice.name, st.bold, size)
        y += size * 0.9
        page.center(y, f"{practice.street}, {practice.city_line()}", st.reg, st.size - 1)
        if with_phones:
            y += st.size * 1.2
            ph = st.phone
            page.center(y, f"Tel {fmt_phone(practice.phone, ph)}   Fax {fmt_phone(practice.fax, ph)}",
                        st.reg, st.size - 1)
    else:
        page.text(st.left, y, practice.name, st.bold, size)
        page.right(st.right, y - size * 0.3, practice.street, st.reg, st.size - 1.5)
        page.right(st.right, y - size * 0.3 + st.size * 1.1, practice.city_line(), st.reg, st.size - 1.5)
        if with_phones:
            ph = st.phone
            page.right(st.right, y - size * 0.3 + st.size * 2.2,
                       f"Phone {fmt_phone(practice.phone, ph)}  Fax {fmt_phone(practice.fax, ph)}",
                       st.reg, st.size - 1.5)
        y += st.size * 1.4
    y += 8
    page.line(st.left, y, st.right, y, 1.2)
    return y + 6


def referral_letter(ctx, st, pt, prov, clin, omit, two_page):
    rng, f = ctx.rng, Fields()
    she, her_obj, her = pt.pronoun()
    pname = pt.name(rng.choice(["First Last", "First M. Last", "First Last"]))

    def cont(w, n):
        w.page.text(st.left, st.top - 14, pname, st.reg, st.size - 1)
        w.page.right(st.right, st.top - 14, f"Page {n}", st.reg, st.size - 1)
        w.y += 8

    w = Writer(st, cont)
    w.y = letterhead(rng, st, w.page, prov.practice)
    w.space(st.lead)
    f.put("referral.date", clin.date.isoformat())
    w.line(fmt_date(clin.date, rng.choice(["long", "long", "mdy_slash"])))
    w.space(st.lead * 0.6)
    f.put("referred_to.name", clin.referred_to_truth())
    if clin.target_prov:
        w.line(clin.target_prov.name(rng.choice(["cred", "dr", "cred_mi"])))
    w.line(clin.target.name)
    w.line(clin.target.street)
    w.line(clin.target.city_line())
    w.space(st.lead * 0.6)
    pt.name_fields(f)
    dob_ok = omit != "patient.birth_date"
    dob_txt = fmt_date(pt.dob, st.date)
    if dob_ok:
        f.put("patient.birth_date", pt.dob.isoformat())
    if rng.random() < 0.5:
        w.line(f"RE: {pname}" + (f", DOB {dob_txt}" if dob_ok else ""), st.bold)
        w.space(st.lead * 0.5)
    greet = f"Dear Dr. {clin.target_prov.family}," if clin.target_prov and \
        clin.target_prov.cred in ("MD", "DO") else (
        f"Dear {clin.target_prov.given} {clin.target_prov.family}," if clin.target_prov else
        "Dear Colleague,")
    w.line(greet)
    w.space(st.lead * 0.5)

    spec = clin.specialty.title()
    f.put("referral.specialty", clin.specialty)
    dob_part = f" (DOB {nb(dob_txt)})" if dob_ok else ""
    age = age_on(pt.dob, clin.date)
    p1 = (f"I am referring my patient {nb(pname)}{dob_part} to your {nb(spec)} clinic for "
          f"evaluation and treatment of {clin.primary[4]}. {she} is {article(age)} {age}-year-old "
          f"{'woman' if pt.sex == 'female' else 'man'} whom I have followed in our practice.")
    w.para(p1)
    dx = ""
    if omit != "referral.diagnosis_codes":
        f.put("referral.diagnosis_codes", list(clin.codes))
        items = [f"{ICD_BY_CODE[c][1].lower()} ({nb(icd_print(ctx, c))})" for c in clin.codes]
        if len(items) == 1:
            dx = f"{her} diagnosis is {items[0]}. "
        else:
            dx = f"{her} diagnoses include {', '.join(items[:-1])} and {items[-1]}. "
    else:
        dx = f"{her} working diagnosis is {clin.primary[1].lower()}. "
    hist = rng.choice([
        f"Symptoms have persisted for {rng.choice(['several weeks', 'three months', 'most of the past year'])} despite conservative management.",
        "Recent office notes are enclosed for your review.",
        f"{she} has tried {rng.choice(['physical therapy', 'anti-inflammatory medication', 'a change in medication', 'lifestyle changes'])} without adequate improvement."])
    w.para(dx + hist)
    f.put("insurance.payer", pt.payer)
    ins = f"{she} is covered by {nb(pt.payer_print)}"
    if omit != "insurance.member_id":
        f.put("insurance.member_id", alnum_upper(pt.member_id))
        ins += f", member ID {nb(pt.member_id)}"
    if pt.group and rng.random() < 0.7:
        f.put("insurance.group_number", alnum_upper(pt.group))
        ins += f", group {nb(pt.group)}"
    ins += "."
    if clin.auth and omit != "authorization.number":
        f.put("authorization.number", alnum_upper(clin.auth))
        ins += " " + rng.choice([f"Prior authorization has been obtained, authorization number {nb(clin.auth)}.",
                                 f"The authorization number is {nb(clin.auth)}."])
    pr = ""
    if clin.priority == "urgent":
        pr = rng.choice([f"This is urgent; please see {her_obj} as soon as possible.",
                         f"This referral is urgent. Please schedule {her_obj} within the week."])
        f.put("referral.priority", "urgent")
    elif clin.priority == "stat":
        pr = f"This is STAT. Please see {her_obj} today if at all possible."
        f.put("referral.priority", "stat")
    elif rng.random() < 0.5:
        pr = "This is a routine referral."
        f.put("referral.priority", "routine")
    w.para(ins + (" " + pr if pr else ""))
    if two_page:
        for _ in range(3):
            w.para(letter_history(ctx, pt, clin))
        w.para("Current medications include " + ", ".join(rng.sample(MEDS, 4)) + ".")
        if len(w.pages) == 1:
            w.new_page()
    w.para(rng.choice([
        f"Thank you for seeing {her_obj}. Please send your consultation note to our office.",
        "Thank you for your assistance in the care of this patient. I look forward to your recommendations.",
        "Please do not hesitate to contact me with any questions."]))
    w.need(st.lead * 6)
    w.space(st.lead * 0.5)
    w.line(rng.choice(["Sincerely,", "Sincerely,", "Best regards,", "Respectfully,"]))
    w.space(st.lead * 1.8)
    scribble(rng, w.page, st.left + 4, w.y - 6, rng.uniform(90, 150), 16)
    f.put("referring.name", prov.truth_name())
    w.line(prov.name(rng.choice(["cred", "cred_mi"])))
    if omit != "referring.npi":
        f.put("referring.npi", prov.npi)
        w.line(rng.choice(["NPI ", "NPI: ", "NPI# "]) + prov.npi)
    if rng.random() < 0.5:
        w.line(prov.practice.name)
    return w.pages, f


def letter_history(ctx, pt, clin):
    rng = ctx.rng
    return rng.choice([
        "Past medical history is notable for " + ", ".join(rng.sample(
            ["hypertension", "hyperlipidemia", "type 2 diabetes", "obesity", "GERD", "osteoarthritis",
             "seasonal allergies", "remote appendectomy", "depression", "hypothyroidism"], 3)) + ".",
        "Family history is significant for " + rng.choice(
            ["coronary disease in the father", "diabetes in both parents", "breast cancer in the mother",
             "no similar problems"]) + ". Social history: " + rng.choice(
            ["never smoker, drinks socially", "former smoker, quit ten years ago", "works full time, exercises rarely",
             "retired, lives with spouse"]) + ".",
        "On examination today blood pressure was " + f"{rng.randint(112, 158)}/{rng.randint(68, 96)}"
        + f", pulse {rng.randint(58, 104)}, weight {rng.randint(118, 260)} lb. "
        + "The remainder of the examination was unremarkable apart from the findings described above.",
        "Recent laboratory studies including a basic metabolic panel and complete blood count were "
        + rng.choice(["within normal limits", "notable only for mild anemia", "notable for an elevated A1c"]) + ".",
        "We discussed the reasons for referral and the patient agrees with the plan. "
        "Transportation and scheduling needs have been reviewed with the family.",
    ])


def build_referral(ctx, pt, prov, clin, omit, layout, two_page):
    st = Style(ctx.rng)
    fn = {"boxed": referral_boxed, "lines": referral_lines, "letter": referral_letter}[layout]
    pages, f = fn(ctx, st, pt, prov, clin, omit, two_page)
    for _ in range(3):
        # A one-page referral that spilled over: tighten the style and lay it out again.
        if len(pages) <= (2 if two_page else 1):
            break
        st.size = max(9.5, st.size - 1)
        st.lead = st.size * 1.2
        st.top = max(58.0, st.top - 8)
        st.bottom = min(PH - 44, st.bottom + 10)
        pages, f = fn(ctx, st, pt, prov, clin, omit, two_page)
    return Doc("referral", layout, pt, pages, f)


# -- fax cover ----------------------------------------------------------------------------------

CONFIDENTIAL = [
    "CONFIDENTIALITY NOTICE: The documents accompanying this facsimile transmission contain "
    "confidential health information that is legally privileged. This information is intended "
    "only for the use of the individual or entity named above. If you received this fax in error, "
    "please notify the sender immediately by telephone and destroy the documents.",
    "This facsimile contains protected health information that is confidential under federal and "
    "state law. It is intended only for the recipient named above. If you have received this "
    "communication in error, please call the sender and return or destroy all copies.",
]


def build_cover(ctx, sender, recipient, total_pages, re_text):
    rng = ctx.rng
    st = Style(rng)
    f = Fields()
    w = Writer(st)
    pg = w.page
    variant = rng.choice(["plain", "table", "plain"])
    title = rng.choice(["FAX", "FACSIMILE", "FAX COVER SHEET", "Fax Transmittal"])
    if rng.random() < 0.5:
        w.y = letterhead(rng, st, pg, sender.practice, with_phones=False) if sender.practice else w.y
        w.space(10)
    w.line(title, st.bold, rng.choice([28, 32, 36, 40]), lead=44)
    w.space(16)
    date = fmt_date(ctx.send_date, st.date)
    pages_label = rng.choice(["Pages (including cover):", "Number of pages:", "Total pages incl. cover:"])
    f.put("fax_cover.page_count", total_pages)
    items = [("To:", recipient[0]), ("Fax:", fmt_phone(recipient[1], st.phone)),
             ("From:", sender.name), ("Phone:", fmt_phone(sender.phone, st.phone)),
             ("Date:", date), ("Re:", re_text), (pages_label, str(total_pages))]
    if variant == "plain":
        col = max(sw(lab, st.bold, st.size + 1) for lab, _ in items) + 14
        for lab, val in items:
            w.kv(lab, val, col, size=st.size + 1)
            w.space(st.lead * 0.6)
    else:
        L, R = st.left, st.right
        y = w.y + 10
        hh = st.size * 2.4
        pairs = [(items[0], items[2]), (items[1], items[3]), (items[4], items[6]), (items[5], None)]
        for a, b in pairs:
            for i, it in enumerate((a, b)):
                if it is None:
                    continue
                x = L + i * (R - L) / 2
                cw = (R - L) / 2 if b is not None else (R - L)
                pg.rect(x, y, cw, hh, 0.8)
                pg.text(x + 5, y + hh * 0.65, it[0], st.bold, st.size)
                vs = st.size
                while 14 + sw(it[0], st.bold, st.size) + sw(it[1], st.reg, vs) > cw and vs > 7.5:
                    vs -= 0.5
                pg.text(x + 10 + sw(it[0], st.bold, st.size), y + hh * 0.65, it[1], st.reg, vs)
            y += hh
        w.y = y + 10
    w.space(st.lead)
    w.line(rng.choice(["[X] For Review   [ ] Please Comment   [ ] Please Reply",
                       "[ ] Please Reply   [X] For Your Records   [ ] Please Call",
                       "Comments:"]))
    w.space(st.lead * 0.5)
    w.para(rng.choice(["Please see the attached documents.",
                       "Attached please find the referral and supporting documents for the patient named within.",
                       "Please call our office if any pages are missing or illegible.",
                       "Please review and contact the patient to schedule."]))
    w.y = max(w.y + 30, st.bottom - 120)
    w.para(rng.choice(CONFIDENTIAL), size=st.size - 1.5)
    return Doc("fax_cover", variant, None, w.pages, f)


# -- insurance card -----------------------------------------------------------------------------

def build_card(ctx, pt, pcp=None):
    rng = ctx.rng
    st = Style(rng, family=weighted(rng, ["LiberationSans", "DejaVuSans", "LiberationSerif"], [5, 4, 1]))
    f = Fields()
    pg = Page()
    y = st.top
    title = rng.choice(["COPY OF INSURANCE CARD", "Insurance Card - Front and Back", "INSURANCE CARD", ""])
    if title:
        pg.text(st.left, y, title, st.bold, 13)
        y += 20
    scale = rng.uniform(1.3, 1.75)
    cw, ch = 243 * scale, 153 * scale
    x = rng.uniform(st.left, max(st.left, PW - cw - 60))
    both = rng.random() < 0.65
    k = scale
    fill = 212 if ctx.noisy and rng.random() < 0.6 else None   # photocopied card: grey ground

    def card_box(yy):
        pg.rect(x, yy, cw, ch, 1.4, fill=fill)
        pg.rect(x, yy, cw, ch, 1.4)

    y += 10
    card_box(y)
    fy = y
    pad = 9 * k / 1.4
    name_style = "FIRST M LAST" if rng.random() < 0.5 else "FIRST LAST"
    if pt.comma_only:
        name_style = "LAST, FIRST"
    pname = pt.name(name_style)
    pt.name_fields(f)
    f.put("insurance.payer", pt.payer)
    mid = pt.member_id
    f.put("insurance.member_id", alnum_upper(mid))
    if pt.payer == "MEDICARE":
        pg.text(x + pad, fy + 16 * k, "MEDICARE", "LiberationSans-Bold", 13 * k)
        pg.text(x + pad, fy + 25 * k, "HEALTH INSURANCE", "LiberationSans-Bold", 6.5 * k)
        pg.text(x + pad, fy + 42 * k, "Name", st.reg, 5.5 * k)
        pg.text(x + pad, fy + 52 * k, pname, "LiberationSans-Bold", 8 * k)
        pg.text(x + pad, fy + 66 * k, "Medicare Number", st.reg, 5.5 * k)
        mbi = f"{mid[:4]}-{mid[4:7]}-{mid[7:]}" if rng.random() < 0.7 else mid
        pg.text(x + pad, fy + 76 * k, mbi, "LiberationSans-Bold", 8 * k)
        pg.text(x + pad, fy + 92 * k, "Entitled to", st.reg, 5.5 * k)
        pg.text(x + pad + 95 * k, fy + 92 * k, "Coverage starts", st.reg, 5.5 * k)
        start = dt.date(pt.dob.year + 65, pt.dob.month, 1)
        for i, part in enumerate(["HOSPITAL (PART A)", "MEDICAL (PART B)"]):
            pg.text(x + pad, fy + (102 + 9 * i) * k, part, "LiberationSans-Bold", 6.5 * k)
            pg.text(x + pad + 95 * k, fy + (102 + 9 * i) * k, fmt_date(start, "mdy_dash"),
                    "LiberationSans-Bold", 6.5 * k)
    else:
        logo = pt.payer_print if rng.random() < 0.6 else pt.payer
        ls = 11 * k if len(logo) < 18 else 7.5 * k
        pg.text(x + pad, fy + 17 * k, logo, "LiberationSans-Bold", ls)
        if pt.plan:
            pg.right(x + cw - pad, fy + 27 * k, pt.plan, st.reg, 5.5 * k)
        pg.line(x + pad, fy + 30 * k, x + cw - pad, fy + 30 * k, 0.8)
        lab = {"name": rng.choice(["Member:", "Name:", "Member Name:"]),
               "id": rng.choice(["Member ID:", "ID:", "ID#"]),
               "grp": rng.choice(["Group:", "Group No.:", "Group #:"])}
        rows = [(lab["name"], pname), (lab["id"], mid)]
        if pt.group and rng.random() < 0.9:
            rows.append((lab["grp"], pt.group))
            f.put("insurance.group_number", alnum_upper(pt.group))
        yy = fy + 44 * k
        for a, b in rows:
            pg.text(x + pad, yy, a, st.reg, 6 * k)
            pg.text(x + pad + sw(a, st.reg, 6 * k) + 4 * k, yy, b, "LiberationSans-Bold", 7 * k)
            yy += 12 * k
        rx = x + cw * 0.58
        ry = fy + 86 * k
        if pt.payer != "MEDICAID":
            for a, b in [("RxBIN", digits(rng, 6)), ("RxPCN", rng.choice(["ADV", "9999", "MEDDPRIME", "BCTX"])),
                         ("RxGRP", "RX" + digits(rng, 4))]:
                pg.text(rx, ry, f"{a} {b}", st.reg, 5.5 * k)
                ry += 8 * k
        if pcp and rng.random() < 0.6:
            pg.text(x + pad, fy + 86 * k, "PCP: " + pcp.name("upper").split(",")[0], st.reg, 5.5 * k)
            pg.text(x + pad, fy + 94 * k, "PCP Phone: " + fmt_phone(pcp.practice.phone, "paren"), st.reg, 5.5 * k)
        pg.text(x + pad, fy + ch - 12 * k, rng.choice([
            "Copays: PCP $25  Specialist $50  ER $250", "OV $20 / SPEC $40 / UC $75 / ER $300",
            "Deductible applies. Copay: Office $30"]), st.reg, 5.5 * k)
    y = fy + ch + 24
    if both and y + ch < PH - 50:
        card_box(y)
        by = y + 14 * k
        lines = [f"Member Services: 1-800-555-01{rng.randint(10, 99)}",
                 f"Pharmacy Help Desk: 1-800-555-01{rng.randint(10, 99)}",
                 f"Providers: submit claims to PO Box {rng.randint(1000, 99999)}",
                 f"{rng.choice(['Lexington, KY 40512', 'El Paso, TX 79998', 'Atlanta, GA 30374', 'Salt Lake City, UT 84130'])}",
                 f"Payer ID: {rng.randint(10000, 99999)}",
                 "Possession of this card does not guarantee eligibility",
                 "or payment for services. Present this card at every visit."]
        for ln in lines:
            pg.text(x + pad, by, ln, st.reg, 6 * k)
            by += 9.5 * k
    return Doc("insurance_card", "front_back" if both else "front", pt, [pg], f)


# -- prior authorization letter -----------------------------------------------------------------

class PayerOrg:
    def __init__(self, ctx, payer_norm, payer_print):
        rng = ctx.rng
        self.name = payer_print
        self.norm = payer_norm
        self.dept = rng.choice(["Utilization Management", "Prior Authorization Department",
                                "Clinical Review Unit", "Precertification Services"])
        self.street = f"PO Box {rng.randint(1000, 99999)}"
        city = rng.choice(CITIES)
        self.city_line = f"{city[0]}, {city[1]} {rng.randint(*city[3]):05d}"
        self.phone = "800555" + f"01{rng.randint(10, 99)}"
        self.fax = "888555" + f"01{rng.randint(10, 99)}"


def build_prior_auth(ctx, pt, prov, clin, org, status=None):
    rng = ctx.rng
    st = Style(rng)
    f = Fields()
    w = Writer(st)
    pg = w.page
    y = st.top - 18
    pg.text(st.left, y, org.name.upper() if rng.random() < 0.5 else org.name, "LiberationSans-Bold", 20)
    pg.right(st.right, y - 6, org.dept, st.reg, st.size - 1)
    pg.right(st.right, y - 6 + st.size * 1.1, f"{org.street}, {org.city_line}", st.reg, st.size - 1)
    pg.right(st.right, y - 6 + st.size * 2.2,
             f"Phone 1-{fmt_phone(org.phone, 'dash')}  Fax 1-{fmt_phone(org.fax, 'dash')}", st.reg, st.size - 1)
    f.put("insurance.payer", pt.payer)
    w.y = y + st.size * 2.6
    w.page.line(st.left, w.y, st.right, w.y, 1.0)
    w.space(st.lead)
    status = status or weighted(rng, ["approved", "denied", "pending"], [0.7, 0.15, 0.15])
    title = rng.choice(["PRIOR AUTHORIZATION DETERMINATION", "Notice of Authorization Determination"])
    if status == "approved" and rng.random() < 0.4:
        title = "Authorization Approval Notice"
    ldate = ctx.send_date - dt.timedelta(days=rng.randint(0, 2))
    w.line(fmt_date(ldate, st.date))
    w.space(st.lead * 0.5)
    w.line(f"To: {prov.name(st.prov)}")
    w.line(f"{prov.practice.name}")
    w.line(f"Fax: {fmt_phone(prov.practice.fax, st.phone)}")
    w.space(st.lead * 0.6)
    w.center(title, st.bold, st.size + 3, lead=(st.size + 3) * 1.8)
    w.space(st.lead * 0.4)
    col = rng.uniform(150, 175)
    pt.name_fields(f)
    w.kv("Member:", pt.name(st.pname), col)
    f.put("insurance.member_id", alnum_upper(pt.member_id))
    w.kv("Member ID:", pt.member_id, col)
    f.put("patient.birth_date", pt.dob.isoformat())
    w.kv("Date of Birth:", fmt_date(pt.dob, st.date), col)
    auth = clin.auth or make_auth_number(rng)
    f.put("authorization.number", alnum_upper(auth))
    w.kv(rng.choice(["Authorization Number:", "Reference #:", "Authorization #:"]), auth, col)
    show_status = rng.random() < 0.75
    if show_status:
        w.kv("Status:", status.upper(), col)
    f.put("authorization.status", status)
    if status == "approved":
        start = clin.date + dt.timedelta(days=rng.randint(0, 10))
        end = start + dt.timedelta(days=rng.choice([30, 60, 89, 90, 180]))
        f.put("authorization.start_date", start.isoformat())
        f.put("authorization.end_date", end.isoformat())
        if rng.random() < 0.5:
            w.kv("Approved From:", f"{fmt_date(start, st.date)}   Through: {fmt_date(end, st.date)}", col)
        else:
            w.kv("Effective:", f"{fmt_date(start, st.date)} - {fmt_date(end, st.date)}", col)
        visits = rng.choice([1, 1, 2, 3, 4, 6, 8, 12, 12, 20, 24])
        f.put("authorization.visits", visits)
        w.kv(rng.choice(["Number of Visits:", "Approved Visits:"]), str(visits), col)
    f.put("referral.procedure_codes", list(clin.cpts))
    w.kv("Procedure Code(s):", ", ".join(clin.cpts), col)
    if rng.random() < 0.6:
        f.put("referral.diagnosis_codes", list(clin.codes[:1]))
        w.kv("Diagnosis:", f"{icd_print(ctx, clin.codes[0])} {ICD_BY_CODE[clin.codes[0]][1]}", col)
    f.put("referring.name", prov.truth_name())
    w.kv("Requesting Provider:", prov.name(st.prov), col)
    f.put("referring.npi", prov.npi)
    w.kv("NPI:", prov.npi, col)
    if rng.random() < 0.6:
        f.put("referred_to.name", clin.referred_to_truth())
        w.kv("Servicing Provider:", referred_to_print(rng, st, clin), col)
    w.space(st.lead)
    svc = " and ".join(lower_first(CPT[c]) for c in clin.cpts[:2])
    if status == "approved":
        txt = (f"We have reviewed the request for {svc}. The request has been approved for the dates "
               "and number of visits shown above. Please include the authorization number on all claims.")
        if not show_status:
            txt = f"This letter confirms that your request for {svc} has been approved. " + \
                  "Services must be provided within the approved dates. Include the reference number on all claims."
    elif status == "denied":
        txt = (f"We have reviewed the request for {svc}. The request has been denied because the "
               "information provided does not establish medical necessity under the member's plan. "
               "You or the member may appeal this decision within 180 days of this notice.")
    else:
        txt = (f"The request for {svc} is pending clinical review. Please fax recent office notes and "
               "imaging reports within 14 days so a determination can be made.")
    w.para(txt)
    w.para("This authorization is not a guarantee of payment. Benefits are subject to eligibility and "
           "the terms of the member's plan at the time services are rendered.", size=st.size - 1)
    w.space(st.lead)
    w.line(rng.choice(["Utilization Management Nurse Reviewer", "Clinical Review Team",
                       "Prior Authorization Department"]))
    return Doc("prior_authorization", "letter", pt, w.pages, f)


# -- clinical notes, consult notes, lab and imaging reports --------------------------------------

EXAM = {
    "ORTHOPEDICS": "Tenderness along the joint line, mild effusion, range of motion limited by pain. Neurovascularly intact.",
    "PAIN MANAGEMENT": "Paraspinal tenderness, positive straight leg raise, reflexes symmetric.",
    "PHYSICAL THERAPY": "Decreased lumbar flexion, paraspinal spasm, strength 5/5 in the lower extremities.",
    "NEUROLOGY": "Alert and oriented. Cranial nerves intact. Decreased sensation as described. Gait normal.",
    "RHEUMATOLOGY": "Synovitis of several small joints of the hands, no rash, no nodules.",
    "ENDOCRINOLOGY": "Thyroid without palpable enlargement. Heart regular. Monofilament sensation intact.",
    "CARDIOLOGY": "Heart rate as noted, no gallop, no jugular venous distension, trace ankle edema.",
    "PULMONOLOGY": "Scattered expiratory wheezes, no crackles, normal work of breathing at rest.",
    "GASTROENTEROLOGY": "Abdomen soft, mild epigastric tenderness, no rebound, bowel sounds normal.",
    "NEPHROLOGY": "No edema, blood pressure as noted, no bruits.",
    "UROLOGY": "Abdomen benign, no costovertebral angle tenderness.",
    "DERMATOLOGY": "Lesions as described, no lymphadenopathy.",
    "OPHTHALMOLOGY": "Visual acuity reduced, lens opacity noted on penlight exam.",
    "OTOLARYNGOLOGY": "Nasal mucosa edematous, tympanic membranes intact.",
    "PSYCHIATRY": "Mood anxious, affect congruent, thought process linear, no suicidal ideation.",
    "HEMATOLOGY": "Conjunctival pallor, no hepatosplenomegaly, no lymphadenopathy.",
}


def note_header(rng, st, w, pt, f, dos, with_mrn=True, extra=None):
    col = rng.uniform(108, 135)
    pt.name_fields(f)
    w.kv(rng.choice(["Patient:", "Patient Name:"]), pt.name(st.pname), col)
    f.put("patient.birth_date", pt.dob.isoformat())
    w.kv("DOB:", fmt_date(pt.dob, st.date), col)
    if with_mrn:
        f.put("patient.mrn", alnum_upper(pt.mrn))
        w.kv("MRN:", pt.mrn, col)
    for lab, val in (extra or []):
        w.kv(lab, val, col)
    w.kv("Date of Service:" if dos[0] is None else dos[0], fmt_date(dos[1], st.date), col)


def build_clinical_note(ctx, pt, prov, clin):
    rng = ctx.rng
    st = Style(rng)
    f = Fields()
    w = Writer(st, lambda w, n: (w.page.text(st.left, st.top - 14, f"{pt.name('LAST, FIRST')}  -  Page {n}", st.reg, 9), w.space(6)))
    w.y = letterhead(rng, st, w.page, prov.practice)
    w.space(st.lead * 0.5)
    w.center(rng.choice(["PROGRESS NOTE", "OFFICE VISIT NOTE", "Office Visit", "CLINIC NOTE"]),
             st.bold, st.size + 3, lead=(st.size + 3) * 1.8)
    dos = clin.date - dt.timedelta(days=rng.randint(0, 20))
    note_header(rng, st, w, pt, f, (None, dos), with_mrn=rng.random() < 0.7)
    w.rule()
    age = age_on(pt.dob, dos)
    sexw = "female" if pt.sex == "female" else "male"
    w.heading("Chief Complaint", rule=False, size=st.size)
    w.para(clin.primary[4].capitalize() + ".")
    w.heading(rng.choice(["HPI", "History of Present Illness"]), rule=False, size=st.size)
    dur = rng.choice(['two weeks', 'one month', 'three months', 'six months'])
    w.para(f"{age}-year-old {sexw} presents with {clin.primary[4]}"
           + ("" if clin.primary[0].startswith("Z") else f" for {dur}") + ". "
           + rng.choice(["Symptoms are worse with activity and improve with rest. ",
                         "Symptoms are intermittent and have been gradually worsening. ",
                         "Denies recent trauma or illness. "])
           + rng.choice(["No prior treatment.", "Tried over-the-counter medication with partial relief.",
                         "Has been seen in urgent care once for the same problem."]))
    w.heading(rng.choice(["ROS", "Review of Systems"]), rule=False, size=st.size)
    w.para("Constitutional: no fever or chills. Cardiovascular: " + rng.choice(["no chest pain", "as per HPI"])
           + ". Respiratory: " + rng.choice(["no cough", "as per HPI"]) + ". All other systems reviewed and negative.")
    w.heading(rng.choice(["Exam", "Physical Exam"]), rule=False, size=st.size)
    w.para(f"BP {rng.randint(108, 162)}/{rng.randint(64, 98)}, HR {rng.randint(56, 108)}, "
           f"Temp {rng.choice(['97.8', '98.2', '98.6', '99.0'])} F, Wt {rng.randint(112, 268)} lb. "
           + EXAM[clin.specialty])
    w.heading(rng.choice(["Assessment/Plan", "Assessment and Plan", "ASSESSMENT/PLAN"]), rule=False, size=st.size)
    codes = list(clin.codes)
    f.put("referral.diagnosis_codes", codes)
    for i, c in enumerate(codes):
        txt = f"{i + 1}. {ICD_BY_CODE[c][1]} ({icd_print(ctx, c)})"
        if i == 0:
            txt += f" - refer to {clin.specialty.title()}."
        else:
            txt += " - " + rng.choice(["stable, continue current medication.", "monitor.",
                                       "continue current plan."])
        w.para(txt, indent=8, after=2)
    w.para("Return to clinic in " + rng.choice(["4 weeks", "3 months", "6 weeks"]) + " or sooner as needed.")
    w.space(st.lead)
    w.line(f"Electronically signed by {prov.name('cred')} on {fmt_date(dos, st.date)}")
    return Doc("clinical_note", "note", pt, w.pages, f)


def build_consult_note(ctx, pt, ref_prov, clin):
    rng = ctx.rng
    st = Style(rng)
    f = Fields()
    spec_prov = clin.target_prov or rng.choice(clin.target.providers)
    w = Writer(st, lambda w, n: (w.page.text(st.left, st.top - 14, f"{pt.name('LAST, FIRST')}  -  Page {n}", st.reg, 9), w.space(6)))
    w.y = letterhead(rng, st, w.page, clin.target)
    w.space(st.lead * 0.5)
    w.center(rng.choice(["CONSULTATION REPORT", "Consult Note", "CONSULTATION NOTE"]), st.bold,
             st.size + 3, lead=(st.size + 3) * 1.8)
    cdate = ctx.send_date - dt.timedelta(days=rng.randint(0, 6))
    f.put("referring.name", ref_prov.truth_name())
    note_header(rng, st, w, pt, f, ("Date of Consultation:", cdate), with_mrn=False,
                extra=[("Referring Physician:", ref_prov.name(rng.choice(["dr", "cred", "dr_mi"])))])
    w.rule()
    she, her_obj, her = pt.pronoun()
    w.para(f"Thank you for referring {pt.name('First Last')}, whom I saw in consultation today for "
           f"{clin.primary[4]}.")
    w.heading("History", rule=False, size=st.size)
    w.para(letter_history(ctx, pt, clin) + " " + letter_history(ctx, pt, clin))
    w.heading("Findings", rule=False, size=st.size)
    w.para(EXAM[clin.specialty])
    w.heading("Impression", rule=False, size=st.size)
    codes = list(clin.codes[: rng.choice([1, 2])])
    f.put("referral.diagnosis_codes", codes)
    for i, c in enumerate(codes):
        w.para(f"{i + 1}. {ICD_BY_CODE[c][1]} ({icd_print(ctx, c)})", indent=8, after=2)
    w.heading("Plan", rule=False, size=st.size)
    w.para(rng.choice([
        "Discussed treatment options. Will obtain imaging and follow up in four weeks.",
        "Start therapy as discussed; follow-up visit in six weeks with repeat testing.",
        "Recommend the procedure discussed; patient will call to schedule. Continue current medications.",
    ]) + " Recommendations have been reviewed with the patient.")
    w.para("Thank you for the referral. Please do not hesitate to contact me.")
    w.space(st.lead * 1.5)
    scribble(rng, w.page, st.left + 4, w.y + 4, 120, 14)
    w.space(st.lead)
    w.line(spec_prov.name("cred"))
    w.line(clin.target.name)
    return Doc("consult_note", "note", pt, w.pages, f)


LAB_PANELS = {
    "CBC": [("WBC", "x10E3/uL", 3.4, 10.8), ("RBC", "x10E6/uL", 3.77, 5.28), ("Hemoglobin", "g/dL", 11.1, 15.9),
            ("Hematocrit", "%", 34.0, 46.6), ("MCV", "fL", 79, 97), ("Platelets", "x10E3/uL", 150, 450)],
    "COMPREHENSIVE METABOLIC PANEL": [("Glucose", "mg/dL", 65, 99), ("BUN", "mg/dL", 6, 24),
            ("Creatinine", "mg/dL", 0.57, 1.00), ("eGFR", "mL/min/1.73", 59, 120), ("Sodium", "mmol/L", 134, 144),
            ("Potassium", "mmol/L", 3.5, 5.2), ("Chloride", "mmol/L", 96, 106), ("Calcium", "mg/dL", 8.7, 10.2),
            ("ALT (SGPT)", "IU/L", 0, 32), ("AST (SGOT)", "IU/L", 0, 40)],
    "LIPID PANEL": [("Cholesterol, Total", "mg/dL", 100, 199), ("Triglycerides", "mg/dL", 0, 149),
                    ("HDL Cholesterol", "mg/dL", 39, 100), ("LDL Cholesterol Calc", "mg/dL", 0, 99)],
    "HEMOGLOBIN A1C": [("Hemoglobin A1c", "%", 4.8, 5.6)],
    "THYROID PANEL": [("TSH", "uIU/mL", 0.45, 4.5), ("Free T4", "ng/dL", 0.82, 1.77)],
}


def build_lab(ctx, pt, ordering, labname):
    rng = ctx.rng
    st = Style(rng, family=weighted(rng, ["LiberationMono", "LiberationSans", "DejaVuSans"], [4, 4, 2]))
    f = Fields()
    w = Writer(st)
    pg = w.page
    pg.text(st.left, st.top - 16, labname, st.bold, 15)
    pg.right(st.right, st.top - 16, rng.choice(["LABORATORY REPORT", "LAB REPORT", "FINAL REPORT"]), st.bold, 13)
    w.y = st.top + 2
    w.page.line(st.left, w.y, st.right, w.y, 1.0)
    coll = ctx.send_date - dt.timedelta(days=rng.randint(1, 10))
    col = rng.uniform(100, 120)
    pt.name_fields(f)
    w.kv("Patient:", pt.name(rng.choice(["LAST, FIRST", "LAST, FIRST M", "Last, First M"])), col)
    f.put("patient.birth_date", pt.dob.isoformat())
    w.kv("DOB:", fmt_date(pt.dob, st.date) + f"   Age: {age_on(pt.dob, coll)}", col)
    f.put("patient.sex", pt.sex)
    w.kv("Sex:", sex_print(rng, pt, True), col)
    if rng.random() < 0.6:
        f.put("patient.mrn", alnum_upper(pt.mrn))
        w.kv("MRN:", pt.mrn, col)
    w.kv("Ordering Provider:", ordering.name("cred"), col + 10)
    w.kv("Collected:", fmt_date(coll, st.date) + f" {rng.randint(7, 11):02d}:{rng.randint(0, 59):02d}", col)
    w.kv("Reported:", fmt_date(coll + dt.timedelta(days=1), st.date), col)
    w.kv("Specimen:", rng.choice(["Serum", "Whole blood", "Serum / Whole blood"]), col)
    w.rule()
    xs = [st.left, st.left + 170, st.left + 245, st.left + 285, st.left + 370]
    w.y += st.lead
    for x, h in zip(xs, ["TEST", "RESULT", "FLAG", "UNITS", "REFERENCE RANGE"]):
        w.page.text(x, w.y, h, st.bold, st.size - 0.5)
    w.page.line(st.left, w.y + 4, st.right, w.y + 4, 0.6)
    w.y += 4
    for panel in rng.sample(list(LAB_PANELS), rng.randint(1, 3)):
        w.line(panel, st.bold, st.size - 0.5)
        for name, unit, lo, hi in LAB_PANELS[panel]:
            r = rng.random()
            span = hi - lo
            val = lo + span * (rng.uniform(0.1, 0.9) if r < 0.75 else (rng.uniform(1.05, 1.5) if r < 0.9 else rng.uniform(-0.4, -0.05)))
            val = max(val, 0.1)
            dec = 2 if hi < 10 else (1 if hi < 100 else 0)
            flag = "H" if val > hi else ("L" if val < lo else "")
            w.y += st.lead
            w.need(st.lead)
            vals = [name, f"{val:.{dec}f}", flag, unit, f"{lo:.{dec}f}-{hi:.{dec}f}" if lo > 0 else f"<{hi:.{dec}f}"]
            for x, v in zip(xs, vals):
                w.page.text(x + (10 if x == xs[0] else 0), w.y, v, st.reg, st.size - 0.5)
    w.space(st.lead * 1.5)
    w.para("Flags: H = high, L = low. Results should be interpreted in the context of the clinical picture.",
           size=st.size - 1)
    w.para(f"Laboratory Director: {rng.choice(FEMALE + MALE)} {rng.choice(FAMILY)}, MD   CLIA {digits(rng, 2)}D{digits(rng, 7)}",
           size=st.size - 1)
    return Doc("lab_result", "table", pt, w.pages, f)


IMAGING = {
    "ORTHOPEDICS": ("MRI RIGHT KNEE WITHOUT CONTRAST", "Multiplanar multisequence MR images of the knee were obtained without contrast.",
                    "Moderate medial compartment joint space narrowing with subchondral edema. Degenerative fraying of the medial meniscus. Small joint effusion.",
                    "Moderate medial compartment osteoarthritis."),
    "CARDIOLOGY": ("TRANSTHORACIC ECHOCARDIOGRAM", "Complete two-dimensional echocardiogram with color and spectral Doppler.",
                   "Left ventricular size normal, ejection fraction estimated at 55 percent. Mild left atrial enlargement. No pericardial effusion.",
                   "Normal left ventricular function. Mild left atrial enlargement."),
    "PULMONOLOGY": ("CT CHEST WITHOUT CONTRAST", "Axial CT images of the chest were obtained without intravenous contrast.",
                    "Mild emphysematous changes in the upper lobes. No suspicious nodule. No pleural effusion.",
                    "Mild emphysema. No acute process."),
    "NEUROLOGY": ("MRI BRAIN WITHOUT CONTRAST", "Multiplanar MR images of the brain were obtained without contrast.",
                  "No acute infarct, hemorrhage or mass. Scattered punctate white matter signal changes.",
                  "No acute intracranial abnormality."),
    "GASTROENTEROLOGY": ("ULTRASOUND ABDOMEN COMPLETE", "Real-time grayscale and color Doppler imaging of the abdomen.",
                         "The liver is enlarged with increased echogenicity. Gallbladder without stones. Kidneys normal in size.",
                         "Hepatomegaly with findings suggesting fatty infiltration."),
}


def build_imaging(ctx, pt, ordering, clin, center):
    rng = ctx.rng
    st = Style(rng)
    f = Fields()
    spec = clin.specialty if clin.specialty in IMAGING else rng.choice(list(IMAGING))
    exam, tech, findings, impression = IMAGING[spec]
    w = Writer(st)
    w.page.center(st.top - 12, center, st.bold, 15)
    w.y = st.top + 4
    w.center(rng.choice(["RADIOLOGY REPORT", "DIAGNOSTIC IMAGING REPORT"]), st.bold, st.size + 2, lead=24)
    w.space(6)
    col = 125
    pt.name_fields(f)
    w.kv("Patient:", pt.name(st.pname), col)
    f.put("patient.birth_date", pt.dob.isoformat())
    w.kv("DOB:", fmt_date(pt.dob, st.date), col)
    w.kv("Exam:", exam, col)
    w.kv("Exam Date:", fmt_date(ctx.send_date - dt.timedelta(days=rng.randint(1, 9)), st.date), col)
    w.kv("Ordering Physician:", ordering.name("cred"), col)
    if spec == clin.specialty and rng.random() < 0.7:
        f.put("referral.diagnosis_codes", [clin.codes[0]])
        w.kv("Indication:", f"{clin.primary[4].capitalize()} ({icd_print(ctx, clin.codes[0])})", col)
    w.rule()
    for head, body in [("TECHNIQUE:", tech), ("COMPARISON:", "None available."), ("FINDINGS:", findings),
                       ("IMPRESSION:", impression)]:
        w.heading(head, rule=False, size=st.size)
        w.para(body)
    w.space(st.lead)
    w.line(f"Electronically signed by {rng.choice(FEMALE + MALE)} {rng.choice(FAMILY)}, MD, Radiologist")
    return Doc("imaging_report", "report", pt, w.pages, f)


# -- records request and junk ----------------------------------------------------------------

REQUESTERS = ["Lone Star Casualty Insurance Company", "Texas Disability Determination Services",
              "Martinez and Cole Law Offices", "Gulf Coast Life Insurance", "Riverside Orthopedic Surgery Center",
              "Medical Records Retrieval Services Inc"]


def build_records_request(ctx, pt, requester, to_practice):
    rng = ctx.rng
    st = Style(rng)
    f = Fields()
    w = Writer(st)
    w.page.text(st.left, st.top - 14, requester, st.bold, 14)
    w.y = st.top + 2
    w.rule()
    w.space(st.lead * 0.5)
    w.center(rng.choice(["REQUEST FOR MEDICAL RECORDS", "MEDICAL RECORDS REQUEST"]), st.bold, st.size + 3, lead=30)
    w.space(6)
    col = 190
    w.kv("Date:", fmt_date(ctx.send_date, st.date), col)
    w.kv("To:", to_practice.name + " - Medical Records", col)
    w.space(6)
    pt.name_fields(f)
    w.kv("Patient Name:", pt.name(st.pname), col)
    f.put("patient.birth_date", pt.dob.isoformat())
    w.kv("Date of Birth:", fmt_date(pt.dob, st.date), col)
    start = ctx.send_date - dt.timedelta(days=rng.choice([365, 730, 1095]))
    w.kv("Dates of Service Requested:", f"{fmt_date(start, st.date)} to present", col)
    w.space(st.lead * 0.5)
    w.line("Records requested:", st.bold)
    for item in ["Office visit notes", "Laboratory results", "Imaging reports", "Medication list",
                 "Billing records", "Operative reports"]:
        w.line(("[X] " if rng.random() < 0.6 else "[ ] ") + item, x=st.left + 14)
    w.space(st.lead * 0.5)
    w.para(f"Please send the records by fax to {fmt_phone('80055501' + digits(rng, 2), st.phone)} "
           f"within 15 business days. A signed authorization to release information is attached or on file.")
    w.para("This request is made in accordance with HIPAA (45 CFR 164.506 and 164.508). The information "
           "disclosed is for the purpose stated above and will not be redisclosed.", size=st.size - 1)
    w.space(st.lead)
    w.line(f"Requested by: {rng.choice(FEMALE + MALE)} {rng.choice(FAMILY)}, {rng.choice(['Claims Examiner', 'Paralegal', 'Records Coordinator'])}")
    return Doc("records_request", "letter", pt, w.pages, f)


JUNK = [
    ("SPECIAL OFFER ON TONER CARTRIDGES", [
        "Save up to 70% on laser and fax toner for your office. All major brands in stock.",
        "Free next-day shipping on orders over $99. Satisfaction guaranteed or your money back.",
        "Limited time: buy two cartridges and get the third one FREE."]),
    ("MEDICAL BILLING MADE SIMPLE", [
        "Is your practice losing revenue to denied claims? Our certified coders recover an average of 18% more.",
        "No setup fees. No long-term contracts. Call now for a free practice analysis.",
        "Serving physician offices in all 50 states since 2004."]),
    ("YOU HAVE BEEN SELECTED FOR A 4-DAY CRUISE", [
        "Congratulations! Your office has been selected to receive a complimentary vacation package.",
        "Call now to claim your prize before the offer expires. Taxes and port fees not included.",
        "This is a limited time promotional offer."]),
    ("HEALTHCARE STAFFING SOLUTIONS", [
        "Need a medical assistant, nurse or front desk coordinator next week? We place pre-screened staff fast.",
        "Temporary, temp-to-hire and permanent placement. Special offer: 10% off your first placement.",
        "Call now to speak with a staffing specialist."]),
    ("FREE WEBINAR: 2026 CODING UPDATES", [
        "Join our free one-hour webinar on the latest E/M documentation and coding changes.",
        "Earn continuing education credit. Seats are limited - register today.",
        "Reply with your e-mail address to reserve your seat."]),
]


def build_junk(ctx):
    rng = ctx.rng
    st = Style(rng, family=rng.choice(["LiberationSans", "DejaVuSans", "LiberationSerif"]))
    w = Writer(st)
    head, body = rng.choice(JUNK)
    w.space(20)
    for ln in wrap(head, "LiberationSans-Bold", 26, st.width):
        w.center(ln, "LiberationSans-Bold", 26, lead=34)
    w.space(24)
    for p in body:
        w.para(p, size=st.size + 2, after=10)
    w.space(20)
    w.center(f"CALL NOW 1-800-555-01{rng.randint(10, 99)}", "LiberationSans-Bold", 20, lead=30)
    w.page.rect(st.left, w.y + 20, st.width, 90, 2.0)
    w.y += 20
    w.line("ORDER FORM   Name: ____________________   Fax: ____________________", x=st.left + 10, lead=30)
    w.line("Qty: _____    [ ] Yes, send me more information", x=st.left + 10, lead=30)
    w.y = max(w.y + 20, st.bottom - 40)
    w.para(f"To be removed from our fax list, call 1-888-555-01{rng.randint(10, 99)} or fax this page back "
           "with REMOVE written on it. Unsubscribe requests are honored within 30 days.", size=8.5)
    return Doc("other", "advertisement", None, w.pages, Fields())


# ----------------------------------------------------------------------------------------
# Packets: what one transmission holds

LABS = ["Central Texas Reference Laboratory", "Lone Star Clinical Labs", "Metro Diagnostic Laboratory",
        "Hill Country Pathology Lab"]
IMAGING_CENTERS = ["Capital Imaging Center", "Valley Radiology Associates", "Open MRI of Texas",
                   "Northside Diagnostic Imaging"]
VENDORS = ["OFFICE SUPPLY DIRECT", "MEDBILL PROS", "SUNCOAST TRAVEL", "CAREPLUS STAFFING", "CODING UPDATE INST"]


class Sender:
    def __init__(self, name, phone, fax, practice=None):
        self.name, self.phone, self.fax, self.practice = name, phone, fax, practice


class Ctx:
    def __init__(self, world, rng, noisy):
        self.world = world
        self.rng = rng
        self.noisy = noisy
        self.send_date = world.today - dt.timedelta(days=rng.randint(0, 100))
        self.send_time = (rng.randint(7, 18), rng.randint(0, 59))
        self.dotless = rng.random() < 0.15


def choose_omit(rng, pt):
    if rng.random() >= 0.4:
        return None
    items = CORE_ITEMS + (["authorization.number"] * 2 if pt.payer_pa else [])
    return rng.choice(items)


def compose(ctx, kind):
    """Returns (groups of documents, sender, recipient (name, fax), Re: text, cover probability)."""
    w, rng = ctx.world, ctx.rng
    if kind in ("referral", "referral2", "clinical"):
        practice = rng.choice(w.primary)
        prov = rng.choice(practice.providers)
        sender = Sender(practice.name, practice.phone, practice.fax, practice)
        if kind == "clinical":
            pt = w.patient(0.4)
            clin = Clin(ctx, pt, prov)
            docs = [build_clinical_note(ctx, pt, prov, clin)]
            if rng.random() < 0.3:
                docs.append(build_lab(ctx, pt, prov, rng.choice(LABS)))
            to = clin.target
            return [docs], sender, (to.name, to.fax), "Office notes", 0.5
        groups, patients = [], []
        npat = 2 if kind == "referral2" else 1
        for _ in range(npat):
            pt = w.patient()
            while pt in patients:
                pt = w.patient(0.0)
            patients.append(pt)
            clin = Clin(ctx, pt, prov)
            if not groups:
                first_target = clin.target
            omit = choose_omit(rng, pt)
            layout = weighted(rng, ["boxed", "lines", "letter"], [0.36, 0.36, 0.28])
            two_page = rng.random() < (0.25 if npat == 1 else 0.12)
            grp = [build_referral(ctx, pt, prov, clin, omit, layout, two_page)]
            if rng.random() < 0.35:
                grp.append(build_card(ctx, pt, prov))
            if pt.payer_pa and rng.random() < (0.3 if omit == "authorization.number" else 0.1):
                org = PayerOrg(ctx, pt.payer, pt.payer_print)
                grp.append(build_prior_auth(ctx, pt, prov, clin, org, status="approved"))
            if rng.random() < 0.35:
                grp.append(build_clinical_note(ctx, pt, prov, clin))
            if rng.random() < 0.08:
                grp.append(build_lab(ctx, pt, prov, rng.choice(LABS)))
            if rng.random() < 0.05:
                grp.append(build_imaging(ctx, pt, prov, clin, rng.choice(IMAGING_CENTERS)))
            groups.append(grp)
        recipient = (first_target.name, first_target.fax) if npat == 1 else None
        re_text = rng.choice(["Referral", "Patient referral", "New patient referral", "Referral - please schedule"])
        if npat == 2:
            re_text = rng.choice(["Referrals (2 patients)", "Patient referrals"])
        return groups, sender, recipient, re_text, 0.6
    if kind == "pa":
        for _ in range(10):
            pt = w.patient(0.3)
            if pt.payer not in ("MEDICARE", "MEDICAID", "TRICARE"):
                break
        practice = rng.choice(w.primary)
        prov = rng.choice(practice.providers)
        clin = Clin(ctx, pt, prov)
        org = PayerOrg(ctx, pt.payer, pt.payer_print)
        sender = Sender(org.name.upper(), org.phone, org.fax)
        doc = build_prior_auth(ctx, pt, prov, clin, org)
        return [[doc]], sender, (practice.name, practice.fax), "Authorization determination", 0.3
    if kind == "consult":
        pt = w.patient(0.5)
        practice = rng.choice(w.primary)
        prov = rng.choice(practice.providers)
        clin = Clin(ctx, pt, prov)
        sp = clin.target
        sender = Sender(sp.name, sp.phone, sp.fax, sp)
        return [[build_consult_note(ctx, pt, prov, clin)]], sender, (practice.name, practice.fax), \
            "Consultation report", 0.5
    if kind == "lab":
        pt = w.patient(0.4)
        practice = rng.choice(w.primary)
        prov = rng.choice(practice.providers)
        lab = rng.choice(LABS)
        sender = Sender(lab.upper(), unique_phone(w, "512"), unique_phone(w, "512"))
        return [[build_lab(ctx, pt, prov, lab)]], sender, (practice.name, practice.fax), "Lab results", 0.3
    if kind == "imaging":
        pt = w.patient(0.4)
        practice = rng.choice(w.primary)
        prov = rng.choice(practice.providers)
        clin = Clin(ctx, pt, prov)
        center = rng.choice(IMAGING_CENTERS)
        sender = Sender(center.upper(), unique_phone(w, "512"), unique_phone(w, "512"))
        return [[build_imaging(ctx, pt, prov, clin, center)]], sender, (practice.name, practice.fax), \
            "Imaging report", 0.3
    if kind == "records":
        pt = w.patient(0.4)
        to = rng.choice(w.primary + [rng.choice(v) for v in w.specialists.values()][:4])
        req = rng.choice(REQUESTERS)
        sender = Sender(req.upper()[:28], "80055501" + digits(rng, 2), "80055501" + digits(rng, 2))
        return [[build_records_request(ctx, pt, req, to)]], sender, (to.name, to.fax), \
            "Request for medical records", 0.5
    # junk
    vendor = rng.choice(VENDORS)
    sender = Sender(vendor, "80055501" + digits(rng, 2), "88855501" + digits(rng, 2))
    to = rng.choice(w.primary)
    return [[build_junk(ctx)]], sender, (to.name, to.fax), "Special offer", 0.1


def finish_packet(ctx, groups, sender, recipient, re_text, cover_p):
    """Caps the packet at 6 pages, adds the cover, computes `missing` for referrals."""
    rng = ctx.rng

    def npages():
        return sum(len(d.pages) for g in groups for d in g)

    want_cover = rng.random() < cover_p
    limit = 6 - (1 if want_cover else 0)
    while npages() > limit:
        victim = max((g for g in groups if len(g) > 1), key=len, default=None)
        if victim is None:
            break
        victim.pop()
    docs = [d for g in groups for d in g]
    if recipient is None:
        recipient = (rng.choice(["Referral Coordinator", "Intake Department", "New Patient Scheduling",
                                 "Front Office"]), unique_phone(ctx.world, "512"))
    if want_cover:
        total = npages() + 1
        docs.insert(0, build_cover(ctx, sender, recipient, total, re_text))
    for d in docs:
        if d.type != "referral":
            continue
        req = list(CORE_ITEMS)
        if d.fields.d.get("insurance.payer") in PA_PAYERS:
            req.append("authorization.number")
        same = [o for o in docs if o.patient == d.patient]
        d.missing = [k for k in req if not any(o.fields.has(k) for o in same)]
    return docs


# ----------------------------------------------------------------------------------------
# Rendering: bitmaps (with fax degradations) and text-layer PDFs

_FONT_CACHE = {}
CANVAS_ROWS = int(round(PH * PX))    # the page drawn on a square grid, squeezed to 196 dpi later
TTI_BAND = 58                        # rows at the top that belong to the sending machine


def pil_font(name, size):
    px = max(6, int(round(size * PX)))
    f = _FONT_CACHE.get((name, px))
    if f is None:
        f = _FONT_CACHE[(name, px)] = ImageFont.truetype(FONT_FILES[name], px)
    return f


def draw_page(page):
    img = Image.new("L", (FAX_W, CANVAS_ROWS), 255)
    d = ImageDraw.Draw(img)
    for op in page.ops:
        k = op[0]
        if k == "t":
            _, x, y, s, font, size, color = op
            d.text((x * PX, y * PX), s, font=pil_font(font, size), fill=color, anchor="ls")
        elif k == "l":
            _, x1, y1, x2, y2, w = op
            d.line([(x1 * PX, y1 * PX), (x2 * PX, y2 * PX)], fill=0, width=max(1, int(round(w * PX))))
        elif k == "r":
            _, x, y, w, h, lw, fill = op
            box = [x * PX, y * PX, (x + w) * PX, (y + h) * PX]
            if fill is not None:
                d.rectangle(box, fill=fill)
            if lw:
                d.rectangle(box, outline=0, width=max(1, int(round(lw * PX))))
        elif k == "p":
            _, pts, w = op
            d.line([(a * PX, b * PX) for a, b in pts], fill=0, width=max(1, int(round(w * PX))),
                   joint="curve")
    return img


class Degrade:
    """Per-file scan and transmission degradations (noisy files only)."""

    def __init__(self, rng, noisy, normal):
        self.noisy = noisy
        self.blur = rng.uniform(0.5, 1.0)
        self.sigma = rng.uniform(6, 14)
        # Low thresholds thin the strokes, high ones thicken them. Normal resolution keeps
        # every other row only, so it gets no thinning: the text must stay legible.
        self.thr = rng.uniform(128, 168) if normal else rng.uniform(110, 168)
        self.stroke = rng.choice(["none", "thick", "thin", "none"])
        if self.stroke == "thin" and (normal or self.thr < 145):
            self.stroke = "none"
        self.pepper = rng.uniform(0.00003, 0.00025)
        self.salt = rng.uniform(0.0, 0.015)
        self.dropouts = rng.randint(1, 4)
        self.edge = rng.random() < 0.3


def tti_lines(ctx, sender, style, font):
    """The header line printed by the sending machine on every page: (left text, counter format)."""
    d = ctx.send_date
    hh, mm = ctx.send_time
    ap = "AM" if hh < 12 else "PM"
    h12 = hh % 12 or 12
    name = sender.name.upper()[:26]
    num = sender.fax
    if style == 0:
        left = f"{MON[d.month - 1].upper()} {d.day:02d} {d.year} {h12:02d}:{mm:02d}{ap}  FROM: {name}  {num}"
    elif style == 1:
        left = f"{d.month:02d}/{d.day:02d}/{d.year} {hh:02d}:{mm:02d}  {num}  {name}"
    else:
        left = f"{name}   FAX:{fmt_phone(num, 'paren')}   {MON[d.month - 1]} {d.day} {d.year} {h12}:{mm:02d} {ap}"
    return left


def tti_ink(left, counter, font, size, right_align):
    img = Image.new("L", (FAX_W, TTI_BAND), 255)
    d = ImageDraw.Draw(img)
    f = pil_font(font, size)
    d.text((22, 36), left, font=f, fill=0, anchor="ls")
    if right_align:
        d.text((FAX_W - 30, 36), counter, font=f, fill=0, anchor="rs")
    else:
        x = 22 + d.textlength(left, font=f) + d.textlength("    ", font=f)
        d.text((x, 36), counter, font=f, fill=0, anchor="ls")
    return np.asarray(img) < 150


def raster_page(page, tti, rows, dg, rng, nrng, upside):
    img = draw_page(page)
    if dg.noisy:
        img = img.rotate(rng.uniform(0.25, 2.0) * rng.choice([-1, 1]), resample=Image.BILINEAR,
                         fillcolor=255)
    img = img.resize((FAX_W, rows), Image.BILINEAR)
    if dg.noisy:
        img = img.filter(ImageFilter.GaussianBlur(dg.blur))
        a = np.asarray(img, dtype=np.float32)
        a = a + nrng.standard_normal(a.shape, dtype=np.float32) * np.float32(dg.sigma)
        ink = a < dg.thr
        if dg.stroke == "thick":
            ink = ink | np.roll(ink, 1, 1) | np.roll(ink, 1, 0)
        elif dg.stroke == "thin":
            ink = ink & np.roll(ink, 1, 1)
        if dg.salt > 0:
            ink &= nrng.random(ink.shape, dtype=np.float32) >= dg.salt
        n = int(dg.pepper * ink.size)
        ys, xs = nrng.integers(0, rows - 1, n), nrng.integers(0, FAX_W - 1, n)
        ink[ys, xs] = True
        k = n // 5
        ink[ys[:k] + 1, xs[:k]] = True
        ink[ys[:k], xs[:k] + 1] = True
        ink[ys[:k] + 1, xs[:k] + 1] = True
        if dg.edge:
            w = int(nrng.integers(3, 9))
            col = nrng.random(rows) < 0.85
            ink[:, :w] |= col[:, None]
    else:
        ink = np.asarray(img) < 150
    if upside:
        ink = ink[::-1, ::-1]
    ink = np.ascontiguousarray(ink)
    ink[:TTI_BAND] = tti
    if dg.noisy:
        for _ in range(dg.dropouts):
            y = int(nrng.integers(TTI_BAND, rows - 4))
            h = int(nrng.integers(1, 3))
            x0 = 0 if rng.random() < 0.6 else int(nrng.integers(0, FAX_W // 2))
            x1 = FAX_W if rng.random() < 0.6 else int(nrng.integers(FAX_W // 2, FAX_W))
            ink[y:y + h, x0:x1] = False
        if rng.random() < 0.3:
            y = int(nrng.integers(TTI_BAND, rows - 2))
            x0 = int(nrng.integers(0, FAX_W // 2))
            ink[y, x0:x0 + int(nrng.integers(100, 900))] = True
    return ink


# MinIsWhite: ink is bit 1, paper bit 0, so CCITT white runs are paper (the fax norm).
TiffImagePlugin.SAVE_INFO["1"] = ("1", TiffImagePlugin.II, 0, 1, (1,), None)


def encode_tiff_page(ink, compression, t4, page_no, total, ydpi, fp):
    im = Image.fromarray(ink)
    info = {266: 1, 297: (page_no, total)}
    if t4 is not None:
        info[292] = t4
    im.encoderinfo = {"compression": compression, "tiffinfo": info, "dpi": (204, ydpi),
                      "strip_size": ((FAX_W + 7) // 8) * ink.shape[0]}
    im.encoderconfig = ()
    TiffImagePlugin._save(im, fp, "page.tif")


def write_tiff(inks, fmt, ydpi):
    compression = "group4" if fmt == "tiff_g4" else "group3"
    t4 = {"tiff_g4": None, "tiff_g3_1d": 0, "tiff_g3_2d": 1}[fmt]
    buf = io.BytesIO()
    with TiffImagePlugin.AppendingTiffWriter(buf) as tf:
        for i, ink in enumerate(inks):
            encode_tiff_page(ink, compression, t4, i, len(inks), ydpi, tf)
            tf.newFrame()
    return fix_page_numbers(bytearray(buf.getvalue()))


def fix_page_numbers(data):
    """Pillow hands PageNumber (297) to libtiff wrongly; rewrite it in place as (page, total)."""
    assert data[:4] == b"II*\x00"
    offsets = []
    off = struct.unpack_from("<I", data, 4)[0]
    while off:
        offsets.append(off)
        off = struct.unpack_from("<I", data, off + 2 + 12 * struct.unpack_from("<H", data, off)[0])[0]
    for page, off in enumerate(offsets):
        for e in range(struct.unpack_from("<H", data, off)[0]):
            pos = off + 2 + 12 * e
            tag, typ, cnt = struct.unpack_from("<HHI", data, pos)
            if tag == 297 and typ == 3 and cnt == 2:
                struct.pack_into("<HH", data, pos + 8, page, len(offsets))
    return bytes(data)


def g4_strip(ink):
    """The raw Group 4 (T.6) data of one page, ink = 1 bits."""
    buf = io.BytesIO()
    encode_tiff_page(ink, "group4", None, 0, 1, 196, buf)
    data = buf.getvalue()
    im = Image.open(io.BytesIO(data))
    off, cnt = im.tag_v2[273][0], im.tag_v2[279][0]
    return data[off:off + cnt]


def write_image_pdf(inks, ydpi, title):
    objs = []   # (number, bytes)

    def add(body):
        objs.append(body)
        return len(objs)

    catalog = add(None)
    pages_obj = add(None)
    kids = []
    for ink in inks:
        rows = ink.shape[0]
        data = g4_strip(ink)
        img = add(b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
                  b"/BitsPerComponent 1 /Filter /CCITTFaxDecode /DecodeParms << /K -1 /Columns %d "
                  b"/Rows %d >> /Length %d >>\nstream\n" % (FAX_W, rows, FAX_W, rows, len(data))
                  + data + b"\nendstream")
        wpt, hpt = FAX_W * 72.0 / 204, rows * 72.0 / ydpi
        content = b"q %.2f 0 0 %.2f 0 0 cm /Im0 Do Q\n" % (wpt, hpt)
        cobj = add(b"<< /Length %d >>\nstream\n" % len(content) + content + b"endstream")
        kids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %.2f %.2f] /Resources << "
                        b"/XObject << /Im0 %d 0 R >> /ProcSet [/PDF /ImageB] >> /Contents %d 0 R >>"
                        % (pages_obj, wpt, hpt, img, cobj)))
    objs[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_obj
    objs[pages_obj - 1] = (b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids)
                           + b"] /Count %d >>" % len(kids))
    info = add(b"<< /Title (" + title.encode() + b") /Producer (faxintake samples/generate.py) >>")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % (i + 1) + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for o in offsets:
        out.write(b"%010d 00000 n \n" % o)
    out.write(b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objs) + 1, catalog, info, xref))
    return out.getvalue()


def write_text_pdf(pages, ttis, title, author):
    buf = io.BytesIO()
    c = rl_canvas.Canvas(buf, pagesize=(PW, PH), invariant=1, pageCompression=1)
    c.setTitle(title)
    c.setAuthor(author)
    c.setCreator("faxintake samples/generate.py")
    for page, (left, counter, font, size) in zip(pages, ttis):
        c.setFont(font, size * 0.95)
        c.drawString(8, PH - 13, left)
        c.drawRightString(PW - 10, PH - 13, counter)
        for op in page.ops:
            k = op[0]
            if k == "t":
                _, x, y, s, font_, size_, color = op
                c.setFillGray(color / 255.0)
                c.setFont(font_, size_)
                c.drawString(x, PH - y, s)
                c.setFillGray(0)
            elif k == "l":
                _, x1, y1, x2, y2, w = op
                c.setLineWidth(w)
                c.line(x1, PH - y1, x2, PH - y2)
            elif k == "r":
                _, x, y, w, h, lw, fill = op
                if fill is not None:
                    c.setFillGray(fill / 255.0)
                    c.rect(x, PH - y - h, w, h, stroke=0, fill=1)
                    c.setFillGray(0)
                if lw:
                    c.setLineWidth(lw)
                    c.rect(x, PH - y - h, w, h, stroke=1, fill=0)
            elif k == "p":
                _, pts, w = op
                c.setLineWidth(w)
                c.setLineJoin(1)
                p = c.beginPath()
                p.moveTo(pts[0][0], PH - pts[0][1])
                for a, b in pts[1:]:
                    p.lineTo(a, PH - b)
                c.drawPath(p, stroke=1, fill=0)
        c.showPage()
    c.save()
    return buf.getvalue()


# ----------------------------------------------------------------------------------------
# One file

KINDS = ["referral", "referral2", "pa", "consult", "lab", "records", "junk", "clinical", "imaging"]
KIND_WEIGHTS = [0.50, 0.09, 0.09, 0.08, 0.06, 0.05, 0.06, 0.04, 0.03]
FORMATS = ["tiff_g4", "tiff_g3_1d", "tiff_g3_2d", "pdf_image", "pdf_text"]
FORMAT_WEIGHTS = [0.36, 0.20, 0.24, 0.10, 0.10]


def page_text(page, tti_left, counter):
    """The words printed on a page, in reading order: the TTI header line first, then the
    page's text lines top to bottom (baselines within 2 pt are one line), each left to right.
    For an upside-down page this is the reading order of its upright content."""
    lines = [[(0.0, tti_left), (1.0, counter)]]
    texts = sorted((op[2], op[1], op[3]) for op in page.ops if op[0] == "t")
    base = None
    for y, x, s in texts:
        if base is None or y - base > 2.0:
            lines.append([])
            base = y
        lines[-1].append((x, s))
    out = []
    for ln in lines:
        words = [w for _, s in sorted(ln, key=lambda t: t[0]) for w in s.split()]
        if words:
            out.append(" ".join(words))
    return "\n".join(out) + "\n"


def make_file(world, seed, index, file_seed, kind, fmt, noisy, normal, upside, out_dir,
              write_page_text=False):
    rng = random.Random(file_seed)
    ctx = Ctx(world, rng, noisy)
    groups, sender, recipient, re_text, cover_p = compose(ctx, kind)
    docs = finish_packet(ctx, groups, sender, recipient, re_text, cover_p)
    pages, page_types = [], []
    for d in docs:
        for p in d.pages:
            pages.append(p)
            page_types.append(d.type)
    n = len(pages)
    stem = f"s{index:04d}"
    ext = "pdf" if fmt.startswith("pdf") else "tif"
    fname = f"{stem}.{ext}"

    tti_style = rng.randrange(3)
    tti_font = rng.choice(["LiberationMono", "LiberationSans", "DejaVuSans", "LiberationMono-Bold"])
    tti_size = rng.choice([8.0, 8.5, 9.0])
    right_align = rng.random() < 0.7
    left = tti_lines(ctx, sender, tti_style, tti_font)
    counters = [f"P.{i + 1:03d}/{n:03d}" for i in range(n)]
    upside_page = -1
    if upside:
        cands = [i for i, t in enumerate(page_types) if t != "fax_cover"] or list(range(n))
        upside_page = rng.choice(cands)

    if fmt == "pdf_text":
        data = write_text_pdf(pages, [(left, c, tti_font, tti_size) for c in counters], stem, sender.name)
        resolution, noise = "fine", "clean"
        rotations = [0] * n
    else:
        dg = Degrade(rng, noisy, normal)
        nrng = np.random.default_rng(rng.getrandbits(63))
        rows = rng.choice(FINE_ROWS)
        inks = []
        for i, p in enumerate(pages):
            tti = tti_ink(left, counters[i], tti_font, tti_size, right_align)
            ink = raster_page(p, tti, rows, dg, rng, nrng, i == upside_page)
            if normal:
                ink = np.ascontiguousarray(ink[::2])
            inks.append(ink)
        ydpi = 98 if normal else 196
        data = write_image_pdf(inks, ydpi, stem) if fmt == "pdf_image" else write_tiff(inks, fmt, ydpi)
        resolution, noise = ("normal" if normal else "fine"), ("noisy" if noisy else "clean")
        rotations = [180 if i == upside_page else 0 for i in range(n)]

    with open(os.path.join(out_dir, fname), "wb") as fh:
        fh.write(data)
    truth = {
        "schema": SCHEMA, "file": fname, "seed": seed, "format": fmt, "resolution": resolution,
        "noise": noise,
        "pages": [{"number": i + 1, "type": t, "rotation": r}
                  for i, (t, r) in enumerate(zip(page_types, rotations))],
        "documents": [],
    }
    num = 1
    for d in docs:
        pnums = list(range(num, num + len(d.pages)))
        num += len(d.pages)
        truth["documents"].append({"type": d.type, "pages": pnums, "layout": d.layout,
                                   "patient": d.patient, "fields": d.fields.ordered(),
                                   "missing": d.missing})
    with open(os.path.join(out_dir, f"{stem}.truth.json"), "w") as fh:
        json.dump(truth, fh, indent=2)
        fh.write("\n")
    if write_page_text:
        for i, p in enumerate(pages):
            with open(os.path.join(out_dir, f"{stem}.p{i + 1:03d}.txt"), "w") as fh:
                fh.write(page_text(p, left, counters[i]))
    return fname, n


def main(argv=None):
    ap = argparse.ArgumentParser(description="Seeded synthetic fax generator (see samples/SPEC.md)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=20)
    ap.add_argument("--out", default="samples/set")
    ap.add_argument("--noisy-share", type=float, default=0.35)
    ap.add_argument("--normal-share", type=float, default=0.3)
    ap.add_argument("--upside-share", type=float, default=0.12,
                    help="share of image files with one page upside down")
    ap.add_argument("--page-text", action="store_true",
                    help="also write <stem>.pNNN.txt: the words printed on each page, in reading order")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    if args.count < 1:
        ap.error("--count must be at least 1")
    for name in ("noisy_share", "normal_share", "upside_share"):
        if not 0.0 <= getattr(args, name) <= 1.0:
            ap.error(f"--{name.replace('_', '-')} must be between 0 and 1")
    register_fonts()
    os.makedirs(args.out, exist_ok=True)
    t0 = time.time()

    master = random.Random(args.seed)
    world = World(random.Random(master.getrandbits(64)))
    k = args.count
    kinds = allocate(master, k, KINDS, KIND_WEIGHTS)
    fmts = allocate(master, k, FORMATS, FORMAT_WEIGHTS)
    raster = [i for i in range(k) if fmts[i] != "pdf_text"]
    noisy = set(master.sample(raster, min(len(raster), round(args.noisy_share * k))))
    normal = set(master.sample(raster, min(len(raster), round(args.normal_share * k))))
    upside = set(master.sample(raster, min(len(raster), round(args.upside_share * k))))
    seeds = [master.getrandbits(64) for _ in range(k)]
    for i in range(k):
        fname, n = make_file(world, args.seed, i + 1, seeds[i], kinds[i], fmts[i], i in noisy,
                             i in normal, i in upside, args.out, args.page_text)
        if not args.quiet:
            print(f"{fname}: {kinds[i]}, {fmts[i]}, {n} page(s)"
                  + (", noisy" if i in noisy else "") + (", normal" if i in normal else "")
                  + (", upside-down page" if i in upside else ""), file=sys.stderr)
    if not args.quiet:
        print(f"{k} files in {time.time() - t0:.1f} s -> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
