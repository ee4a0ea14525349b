"""Clinical vocabularies as data: diagnoses, equipment, drugs, disciplines, note sentences.

Codes are real: ICD-10-CM billable leaves (checked against simple-icd-10-cm in the tests)
and HCPCS codes present in the shared CMS table. Each scenario ties codes that a clinician
would plausibly write together, so a generated order reads like a real one.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

#: The CMS table the extractors ship with; samples only ever print codes that exist in it.
HCPCS_CSV = Path(__file__).resolve().parents[1] / "extractors" / "data" / "hcpcs.csv"


@cache
def hcpcs_table() -> dict[str, str]:
    """code -> long description."""
    with HCPCS_CSV.open(newline="", encoding="utf-8") as fh:
        return {row["code"]: row["long_description"] for row in csv.DictReader(fh)}


@dataclass(frozen=True)
class Dx:
    code: str
    description: str


@dataclass(frozen=True)
class ItemSpec:
    hcpcs: str
    description: str
    quantity: tuple[int, ...] = (1,)
    frequency: tuple[str, ...] = ()
    brands: tuple[str, ...] = ()
    oxygen: bool = False


@dataclass(frozen=True)
class DmeScenario:
    name: str
    dx: tuple[Dx, ...]
    items: tuple[ItemSpec, ...]
    header: Dx  # a category code a hurried clerk or EHR might print instead of a leaf


OXYGEN_ITEMS = (
    ItemSpec(
        "E1390",
        "Oxygen concentrator",
        brands=("Invacare Platinum 5", "Respironics EverFlo", "Drive DeVilbiss 525"),
        oxygen=True,
    ),
    ItemSpec(
        "E0431",
        "Portable gaseous oxygen system",
        brands=("E-cylinder with regulator",),
        oxygen=True,
    ),
    ItemSpec(
        "E1392",
        "Portable oxygen concentrator",
        brands=("Inogen One G5", "Philips SimplyGo Mini"),
        oxygen=True,
    ),
    ItemSpec("E0439", "Stationary liquid oxygen system", oxygen=True),
    ItemSpec(
        "E0443",
        "Portable oxygen contents, gaseous",
        quantity=(1, 2),
        frequency=("monthly",),
        oxygen=True,
    ),
)

DME_SCENARIOS = (
    DmeScenario(
        "copd_oxygen",
        (
            Dx("J44.1", "COPD with acute exacerbation"),
            Dx("J96.11", "Chronic respiratory failure with hypoxia"),
            Dx("J43.9", "Emphysema, unspecified"),
            Dx("J84.10", "Pulmonary fibrosis, unspecified"),
            Dx("R06.02", "Shortness of breath"),
            Dx("Z99.81", "Dependence on supplemental oxygen"),
        ),
        OXYGEN_ITEMS,
        Dx("J44", "Other chronic obstructive pulmonary disease"),
    ),
    DmeScenario(
        "sleep_apnea",
        (
            Dx("G47.33", "Obstructive sleep apnea"),
            Dx("E66.01", "Morbid obesity due to excess calories"),
            Dx("I10", "Essential (primary) hypertension"),
            Dx("E66.2", "Morbid obesity with alveolar hypoventilation"),
        ),
        (
            ItemSpec(
                "E0601", "CPAP device", brands=("ResMed AirSense 11", "Philips DreamStation 2")
            ),
            ItemSpec("E0562", "Heated humidifier"),
            ItemSpec(
                "A7030",
                "Full face mask",
                quantity=(1,),
                frequency=("1 per 3 months",),
                brands=("ResMed AirFit F20",),
            ),
            ItemSpec("A7034", "Nasal mask interface", quantity=(1,), frequency=("1 per 3 months",)),
            ItemSpec("A7035", "Headgear", frequency=("1 per 6 months",)),
            ItemSpec("A7037", "CPAP tubing", frequency=("1 per 3 months",)),
            ItemSpec(
                "E0470", "Bi-level PAP without backup rate", brands=("ResMed AirCurve 10 VAuto",)
            ),
        ),
        Dx("G47", "Organic sleep disorders"),
    ),
    DmeScenario(
        "mobility",
        (
            Dx("M17.11", "Primary osteoarthritis, right knee"),
            Dx("M17.12", "Primary osteoarthritis, left knee"),
            Dx("R26.81", "Unsteadiness on feet"),
            Dx("Z74.09", "Other reduced mobility"),
            Dx("M62.81", "Muscle weakness (generalized)"),
            Dx("I69.351", "Hemiplegia following cerebral infarction, right dominant side"),
            Dx("G20.A1", "Parkinson's disease without dyskinesia"),
            Dx("S72.001D", "Fracture of right femoral neck, subsequent encounter"),
            Dx("Z96.641", "Presence of right artificial hip joint"),
            Dx("M48.061", "Spinal stenosis, lumbar region"),
        ),
        (
            ItemSpec("K0001", "Standard wheelchair", brands=("Drive Cruiser III", "Medline Excel")),
            ItemSpec("K0003", "Lightweight wheelchair"),
            ItemSpec("E0143", "Folding wheeled walker", brands=("Drive 10210-1",)),
            ItemSpec("E0135", "Folding walker"),
            ItemSpec("E0105", "Quad cane"),
            ItemSpec("E0163", "Commode chair with fixed arms"),
            ItemSpec("E0240", "Bath/shower chair"),
            ItemSpec("E0114", "Underarm crutches, pair"),
            ItemSpec(
                "K0823",
                "Power wheelchair, group 2 standard, captain's chair",
                brands=("Pride Jazzy Elite HD",),
            ),
        ),
        Dx("M17", "Osteoarthritis of knee"),
    ),
    DmeScenario(
        "bed_bound",
        (
            Dx("L89.154", "Pressure ulcer of sacral region, stage 4"),
            Dx("L89.153", "Pressure ulcer of sacral region, stage 3"),
            Dx("I50.9", "Heart failure, unspecified"),
            Dx("G12.21", "Amyotrophic lateral sclerosis"),
            Dx("G81.91", "Hemiplegia, unspecified affecting right dominant side"),
            Dx("R53.1", "Weakness"),
        ),
        (
            ItemSpec(
                "E0260",
                "Semi-electric hospital bed with mattress",
                brands=("Invacare 5410IVC", "Drive Delta 1000"),
            ),
            ItemSpec("E0250", "Hospital bed, fixed height, with mattress"),
            ItemSpec("E0277", "Powered pressure-reducing air mattress"),
            ItemSpec("E0181", "Alternating pressure pad with pump"),
            ItemSpec("E0163", "Commode chair with fixed arms"),
        ),
        Dx("L89", "Pressure ulcer"),
    ),
    DmeScenario(
        "diabetes",
        (
            Dx("E11.9", "Type 2 diabetes mellitus without complications"),
            Dx("E11.65", "Type 2 diabetes mellitus with hyperglycemia"),
            Dx("Z79.4", "Long term (current) use of insulin"),
            Dx("E11.22", "Type 2 diabetes with diabetic CKD"),
            Dx("N18.4", "Chronic kidney disease, stage 4"),
        ),
        (
            ItemSpec(
                "E0607", "Home blood glucose monitor", brands=("Accu-Chek Guide", "OneTouch Verio")
            ),
            ItemSpec(
                "A4253",
                "Blood glucose test strips, per 50",
                quantity=(2, 3, 4),
                frequency=("test 3x daily", "test 4x daily", "test twice daily"),
            ),
            ItemSpec(
                "A4259",
                "Lancets, per box of 100",
                quantity=(1, 2),
                frequency=("test 3x daily", "test twice daily"),
            ),
        ),
        Dx("E11", "Type 2 diabetes mellitus"),
    ),
    DmeScenario(
        "wound",
        (
            Dx("E11.621", "Type 2 diabetes mellitus with foot ulcer"),
            Dx("L97.419", "Non-pressure chronic ulcer of right heel and midfoot"),
            Dx("I70.245", "Atherosclerosis of native arteries of left leg with ulceration"),
        ),
        (
            ItemSpec("E2402", "Negative pressure wound therapy pump", brands=("KCI ActiV.A.C.",)),
            ItemSpec("E0143", "Folding wheeled walker"),
        ),
        Dx("E11", "Type 2 diabetes mellitus"),
    ),
)

HOME_HEALTH_DX = (
    Dx("I50.22", "Chronic systolic (congestive) heart failure"),
    Dx("I50.32", "Chronic diastolic (congestive) heart failure"),
    Dx("Z47.1", "Aftercare following joint replacement surgery"),
    Dx("Z96.651", "Presence of right artificial knee joint"),
    Dx("Z96.652", "Presence of left artificial knee joint"),
    Dx("S72.001D", "Fracture of right femoral neck, subsequent encounter"),
    Dx("I69.354", "Hemiplegia following cerebral infarction, left non-dominant side"),
    Dx("J44.1", "COPD with acute exacerbation"),
    Dx("E11.65", "Type 2 diabetes mellitus with hyperglycemia"),
    Dx("L89.153", "Pressure ulcer of sacral region, stage 3"),
    Dx("A41.9", "Sepsis, unspecified organism"),
    Dx("I11.0", "Hypertensive heart disease with heart failure"),
    Dx("N39.0", "Urinary tract infection, site not specified"),
    Dx("J18.9", "Pneumonia, unspecified organism"),
    Dx("I48.91", "Unspecified atrial fibrillation"),
    Dx("R13.10", "Dysphagia, unspecified"),
)
HOME_HEALTH_HEADERS = (
    Dx("I50", "Heart failure"),
    Dx("J44", "Other COPD"),
    Dx("E11", "Type 2 diabetes mellitus"),
)

DISCIPLINES = ("SN", "PT", "OT", "ST", "MSW", "HHA")
DISCIPLINE_NAMES = {
    "SN": "Skilled nursing",
    "PT": "Physical therapy",
    "OT": "Occupational therapy",
    "ST": "Speech therapy",
    "MSW": "Medical social worker",
    "HHA": "Home health aide",
}
# Visit frequencies in the 485 shorthand; the tuple lists phases written comma-separated.
SERVICE_FREQUENCIES = {
    "SN": ("2W4", "1W1, 2W3, 1W4", "3W2, 2W2", "1W9", "2W3, 1W6"),
    "PT": ("1W6", "2W4", "3W2, 2W3", "2W3"),
    "OT": ("1W4", "2W3", "1W6"),
    "ST": ("1W4", "2W2"),
    "MSW": ("1W1", "1 visit PRN x2", "1W2"),
    "HHA": ("2W6", "3W4", "1W8"),
}
SERVICE_HCPCS = {"SN": "G0299", "PT": "G0151", "OT": "G0152"}


@dataclass(frozen=True)
class InfusionSpec:
    drug: str
    doses: tuple[str, ...]
    route: str
    frequencies: tuple[tuple[str, str], ...]  # (written frequency, per-diem S-code)
    durations: tuple[str, ...]
    jcode: str
    dx: tuple[Dx, ...]
    header: Dx


_ABX_DX = (
    Dx("M86.171", "Other acute osteomyelitis, right ankle and foot"),
    Dx("L03.115", "Cellulitis of right lower limb"),
    Dx("A41.9", "Sepsis, unspecified organism"),
    Dx("T81.44XA", "Sepsis following a procedure, initial encounter"),
    Dx("A49.02", "MRSA infection, unspecified site"),
    Dx("M46.26", "Osteomyelitis of vertebra, lumbar region"),
    Dx("T82.7XXA", "Infection due to vascular device, initial encounter"),
    Dx("N39.0", "Urinary tract infection"),
)
INFUSIONS = (
    InfusionSpec(
        "Ceftriaxone",
        ("2 g", "1 g"),
        "IV",
        (("q24h", "S9500"), ("every 24 hours", "S9500")),
        ("6 weeks", "14 days", "4 weeks"),
        "J0696",
        _ABX_DX,
        Dx("M86", "Osteomyelitis"),
    ),
    InfusionSpec(
        "Vancomycin",
        ("1,250 mg", "1 g", "1,500 mg", "15 mg/kg"),
        "IV",
        (("q12h", "S9501"), ("every 12 hours", "S9501")),
        ("4 weeks", "6 weeks", "21 days"),
        "J3370",
        _ABX_DX,
        Dx("A41", "Other sepsis"),
    ),
    InfusionSpec(
        "Piperacillin-tazobactam",
        ("4.5 g", "3.375 g"),
        "IV",
        (("q8h", "S9502"), ("every 8 hours", "S9502")),
        ("14 days", "10 days"),
        "J2543",
        _ABX_DX,
        Dx("L03", "Cellulitis"),
    ),
    InfusionSpec(
        "Ertapenem",
        ("1 g",),
        "IV",
        (("q24h", "S9500"), ("daily", "S9500")),
        ("14 days", "6 weeks"),
        "J1335",
        _ABX_DX,
        Dx("N39", "Other disorders of urinary system"),
    ),
    InfusionSpec(
        "Cefazolin",
        ("2 g", "1 g"),
        "IV",
        (("q8h", "S9502"),),
        ("6 weeks", "4 weeks"),
        "J0690",
        _ABX_DX,
        Dx("M86", "Osteomyelitis"),
    ),
    InfusionSpec(
        "Daptomycin",
        ("500 mg", "6 mg/kg", "8 mg/kg"),
        "IV",
        (("q24h", "S9500"), ("once daily", "S9500")),
        ("6 weeks", "8 weeks"),
        "J0878",
        _ABX_DX,
        Dx("A49", "Bacterial infection"),
    ),
    InfusionSpec(
        "Ampicillin-sulbactam",
        ("3 g",),
        "IV",
        (("q6h", "S9503"),),
        ("14 days", "10 days"),
        "J0295",
        _ABX_DX,
        Dx("L03", "Cellulitis"),
    ),
    InfusionSpec(
        "Total parenteral nutrition",
        ("1,800 mL", "2,000 mL", "1 L"),
        "IV via central line",
        (("daily over 12 hours", "S9366"), ("nightly, cycled over 14 hours", "S9366")),
        ("90 days", "until further notice", "3 months"),
        "B4189",
        (
            Dx("K91.2", "Postsurgical malabsorption"),
            Dx("E43", "Unspecified severe protein-calorie malnutrition"),
            Dx("K50.90", "Crohn's disease, unspecified, without complications"),
            Dx("E44.0", "Moderate protein-calorie malnutrition"),
        ),
        Dx("E43", "Unspecified severe protein-calorie malnutrition"),
    ),
    InfusionSpec(
        "Normal saline (hydration)",
        ("1,000 mL", "500 mL"),
        "IV",
        (("daily", "S9374"), ("3 times weekly", "S9374")),
        ("2 weeks", "30 days"),
        "J7030",
        (
            Dx("E86.0", "Dehydration"),
            Dx("R11.2", "Nausea with vomiting, unspecified"),
            Dx("C34.90", "Malignant neoplasm of lung"),
        ),
        Dx("E86", "Volume depletion"),
    ),
    InfusionSpec(
        "Dobutamine",
        ("2.5 mcg/kg/min", "5 mcg/kg/min"),
        "IV continuous",
        (("continuous", "S9348"),),
        ("until further notice", "90 days"),
        "J1250",
        (
            Dx("I50.22", "Chronic systolic (congestive) heart failure"),
            Dx("I50.9", "Heart failure, unspecified"),
        ),
        Dx("I50", "Heart failure"),
    ),
)
ACCESS_TYPES = ("PICC", "Port", "Peripheral IV", "Midline", "Tunneled CVC")
ACCESS_DETAIL = {
    "PICC": ("right basilic, single lumen", "left upper arm, double lumen", "right arm, 42 cm"),
    "Port": ("right chest", "left chest, accessed with 20G Huber needle"),
    "Peripheral IV": ("rotate site every 72-96 hours",),
    "Midline": ("left upper arm",),
    "Tunneled CVC": ("right internal jugular",),
}
# CPT codes are AMA-licensed: only these two well-known home infusion visit codes appear.
INFUSION_NURSING_CPT = (
    ("99601", "Home infusion visit, first 2 hours"),
    ("99602", "Home infusion visit, each additional hour"),
)

ACCESS_NOTES = (
    "{n} steps to front door, no railing",
    "Second floor walk-up, no elevator",
    "Elevator out of service - use freight elevator at rear",
    "Gate code {code}",
    "Gate code #{code}, buzz apt {apt}",
    "Dog on premises - call before arrival",
    "Call daughter {name} at {phone} before delivery",
    "Rural route - driveway is unmarked, blue mailbox",
    "Ramp at side entrance",
    "Deliver after 10 AM only",
    "Patient is hard of hearing - knock loudly",
    "Narrow hallway, bed must fit 32 in. doorway",
    "Key in lockbox, code {code}",
)

URGENCY_REASONS = (
    "Discharge today",
    "Patient discharging today at {time}",
    "STAT - needed before discharge",
    "SpO2 {sat}% on room air, needs oxygen today",
    "Patient going home tomorrow AM",
    "STAT: start therapy within 24 hrs",
)

NOTE_SENTENCES = (
    "Patient seen in clinic for follow-up of chronic conditions.",
    "Reports increased shortness of breath with exertion over the past two weeks.",
    "Denies chest pain, fever or chills.",
    "Lungs with scattered expiratory wheezes bilaterally; no crackles.",
    "Ambulates with an unsteady gait and requires standby assistance for transfers.",
    "Blood pressure {bp}, heart rate {hr}, respiratory rate {rr}, SpO2 {sat}% on room air.",
    "Weight {wt} lb, stable compared with last visit.",
    "Medications reviewed and reconciled with the patient and caregiver.",
    "Continues to require assistance with bathing and dressing.",
    "Caregiver present and engaged; home environment reviewed for safety.",
    "Discussed risks and benefits of home therapy; patient agrees with plan.",
    "Wound bed with granulation tissue, moderate serous drainage, no odor.",
    "Labs reviewed: creatinine {cr}, WBC {wbc}.",
    "Plan: continue current regimen, return to clinic in {weeks} weeks.",
    "Fall risk high; home safety evaluation recommended.",
    "Alert and oriented x3, mood appropriate.",
)

NOTE_TITLES = (
    "Progress Note",
    "Office Visit",
    "Clinical Notes",
    "History and Physical",
    "Discharge Summary",
    "Nursing Assessment",
    "Face-to-Face Encounter Note",
)

MEDICATIONS = (
    "Metoprolol succinate 25 mg PO daily",
    "Furosemide 40 mg PO daily",
    "Lisinopril 10 mg PO daily",
    "Metformin 500 mg PO BID",
    "Insulin glargine 20 units SC at bedtime",
    "Albuterol HFA 2 puffs q4h PRN",
    "Tiotropium 18 mcg inhaled daily",
    "Apixaban 5 mg PO BID",
    "Atorvastatin 40 mg PO nightly",
    "Acetaminophen 650 mg PO q6h PRN pain",
    "Carbidopa-levodopa 25/100 mg PO TID",
    "Sertraline 50 mg PO daily",
)
