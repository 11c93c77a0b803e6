#!/usr/bin/env python3
"""Writes the demo mobility round and its variants (fixtures/demo, fixtures/variants).

One Latvian VET school ("Vidzemes Profesionālā vidusskola", fictional) sends
14 learners to Finland and Germany; the two units from the seed material (docs/domain.md) plus
two more; Latvian 1–10 grades and Finnish 1–3 criteria grids. The same round
is written as:

  fixtures/demo/round.xlsx                 several sheets joined by keys (Latvian headers)
  fixtures/variants/flat.ods               one row per learner × unit (via LibreOffice)
  fixtures/variants/flat.xls               the same, Excel 97–2003 (via LibreOffice)
  fixtures/variants/flat-windows-1257.csv  the same, as Latvian Excel saves CSV: cp1257, ';'
  fixtures/variants/messy.xlsx             title rows, merged group headers, merged learner
                                           cells, blank, totals and note rows, dates as text,
                                           headers without diacritics and with line breaks
  fixtures/variants/messy.ods              the same, via LibreOffice (ods merges are spans)

tests/variants.rs asserts that every one imports to the same canonical round.
Needs: pip install openpyxl; LibreOffice (soffice) for .ods and .xls.
Run from the repository root: scripts/make-demo-fixtures.py
"""
import csv
import datetime as dt
import io
import os
import shutil
import subprocess
import tempfile

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

D = dt.date

SCHOOL = dict(
    name="Vidzemes Profesionālā vidusskola", country="LV", role="nosūtošā",
    address="Skolas iela 12, Cēsis, LV-4101", phone="+371 64123456",
    email="info@vpv.example.lv", website="https://vpv.example.lv", pic="912345678",
    contact="Inese Kalniņa", contact_position="Projektu koordinatore",
    contact_email="inese.kalnina@vpv.example.lv", contact_phone="+371 26123456",
)
HOSTS = {
    "FI-AUTO": dict(
        name="Oy Autokorjaamo Virtanen Ab", country="FI", role="uzņemošā",
        address="Hämeenkatu 20, 33200 Tampere", phone="+358 3 1234567",
        email="korjaamo@virtanen.example.fi", website="https://virtanen.example.fi", pic="923456781",
        contact="Anna-Liisa Virtanen", contact_position="Personāla vadītāja",
        contact_email="anna-liisa@virtanen.example.fi", contact_phone="+358 40 7654321",
        mentor="Matti Virtanen", mentor_position="Darbnīcas vadītājs",
        mentor_email="matti@virtanen.example.fi", mentor_phone="+358 40 1234567",
        tasks="Bremžu sistēmu diagnostika un remonts; stabilitātes sistēmu sensoru pārbaude",
    ),
    "FI-REST": dict(
        name="Restaurointi Mäkinen Oy", country="FI", role="uzņemošā",
        address="Satamakatu 5, 20100 Turku", phone="+358 2 7654321",
        email="info@makinen.example.fi", website="https://makinen.example.fi", pic="934567812",
        contact="Pekka Mäkinen", contact_position="Īpašnieks",
        contact_email="pekka@makinen.example.fi", contact_phone="+358 50 1112233",
        mentor="Liisa Mäkinen", mentor_position="Restauratore",
        mentor_email="liisa@makinen.example.fi", mentor_phone="+358 50 4445566",
        tasks="Misiņa un vara priekšmetu lodēšana; restaurācijas dokumentēšana",
    ),
    "DE-AUTO": dict(
        name="Autohaus Müller GmbH", country="DE", role="uzņemošā",
        address="Travemünder Allee 7, 23568 Lübeck", phone="+49 451 123456",
        email="werkstatt@mueller.example.de", website="https://mueller.example.de", pic="945678123",
        contact="Sabine Müller", contact_position="Apmācību vadītāja",
        contact_email="s.mueller@mueller.example.de", contact_phone="+49 451 123450",
        mentor="Jürgen Weiß", mentor_position="Darbnīcas meistars",
        mentor_email="j.weiss@mueller.example.de", mentor_phone="+49 171 2345678",
        tasks="ABS un ESP sistēmu diagnostika; riepu un bremžu apkope",
    ),
    "DE-REST": dict(
        name="Restaurierungswerkstatt Schröder", country="DE", role="uzņemošā",
        address="Große Straße 3, 18055 Rostock", phone="+49 381 654321",
        email="info@schroeder.example.de", website="https://schroeder.example.de", pic="956781234",
        contact="Klaus Schröder", contact_position="Darbnīcas īpašnieks",
        contact_email="k.schroeder@schroeder.example.de", contact_phone="+49 381 654320",
        mentor="Grete Schröder", mentor_position="Restauratore",
        mentor_email="g.schroeder@schroeder.example.de", mentor_phone="+49 172 3456789",
        tasks="Metāla detaļu lodēšana un tīrīšana; darbnīcas terminoloģija vācu valodā",
    ),
}

QUALS = {
    "AUTO": dict(code="33 525 01 1", lv="Automehāniķis", en="Car mechanic", eqf=4, nqf=3),
    "GLOBAL": dict(code="", lv="Globālā domāšana un tirdzniecības iespējas",
                   en="Global mind set and trade opportunity", eqf=4, nqf=3),
    "REST": dict(code="32 211 04 1", lv="Restauratora palīgs", en="Restorer's assistant", eqf=4, nqf=3),
}


def bullets(items):
    """A bullet list as schools paste it into a cell: headings end with ':'."""
    lines = []
    for it in items:
        if isinstance(it, tuple):  # (statement, [sub-points])
            lines.append("• " + it[0])
            lines.extend("  o " + s for s in it[1])
        elif it.endswith(":"):
            lines.append(it)
        else:
            lines.append("• " + it)
    return "\n".join(lines)


UNITS = [
    dict(
        code="0101", qual="AUTO", ecvet="3", kp="4",
        lv="Transportlīdzekļu stabilitātes vadības sistēmas",
        en="Vehicle stability management systems",
        area="Transportlīdzekļu stabilitātes vadības sistēmas",
        k_lv=["Riteņu pretbloķēšanas bremžu sistēmas:",
              "Darbības teorija – integrēta sistēma, papildu sistēma",
              "Shēmu izpēte – elektriskā shēma, hidrauliskā shēma",
              "Loģiskā kontrollera stratēģija",
              "Diagnostika, apkope un serviss",
              "Stabilitātes un kontroles sistēmas:",
              "Darbības teorija", "Elektriskās shēmas", "Hidrauliskās shēmas", "Sensori",
              "Diagnostika, apkope un serviss"],
        k_en=["Wheel anti-lock brake systems:",
              "Theory of operation – integrated system, additional system",
              "Study of circuits – electrical circuit, hydraulic circuit",
              "Strategy of the logic controller",
              "Diagnostic, maintenance and servicing",
              "Stability and control systems:",
              "Theory of operation", "The electric circuits", "The hydraulic circuits", "Sensors",
              "Diagnostic, maintenance and servicing"],
        s_lv=["Identificēt riteņu pretbloķēšanas bremžu sistēmas un stabilitātes kontroles elementus",
              "Izveidot diagnostikas procedūru, ņemot vērā iespējamo sistēmu mijiedarbību",
              "Piemērot testēšanas procedūru",
              "Izvēlēties veicamās darbības veidu",
              "Remontēt/nomainīt transportlīdzekļa stabilitātes vadības sistēmu komponentus"],
        s_en=["Identify the elements constituting the wheel anti-lock brake system and stability control",
              "Establish a diagnostic procedure taking into account the possible interactions between the systems",
              "Apply testing procedure",
              "Choose the nature of action to be taken",
              "Repair/replace the components of vehicle stability management systems"],
        c_lv=[("Patstāvīgi un atbildīgi diagnosticēt un remontēt transportlīdzekļa stabilitātes vadības sistēmu",
               ["Precīzi noteikt bojājuma simptomus",
                "Izvēlēties bojājuma hipotēzes atkarībā no simptomiem",
                "Testēt sistēmu",
                "Apstiprināt darbības traucējumu un izvēlēties atbilstošu rīcību",
                "Ievērot metodes un grafiku"]),
              "Organizēt darbu, ievērojot darba drošības un veselības aizsardzības noteikumus",
              "Specifiskās situācijās saskaņot klientu un kolēģu vajadzības ar uzņēmuma vajadzībām",
              "Patstāvīgi un atbildīgi apzināties savas kompetences robežas"],
        c_en=[("Diagnose and repair the vehicle stability management system independently and responsibly",
               ["Identify with precision the symptoms of the fault",
                "Select the hypotheses of the fault depending on the symptoms",
                "Test the system",
                "Validate the malfunction and choose the appropriate action to be done",
                "Respect the methods and schedule"]),
              "Organise the work respecting health and safety rules",
              "Reconcile the needs of customers and colleagues with those of the company in specific situations",
              "Independently and responsibly recognise the limits of own competence"],
    ),
    dict(
        code="0102", qual="GLOBAL", ecvet="2", kp="2",
        lv="Internacionalizācija un projektu vadība",
        en="Internationalization and Project Management",
        area="Informācija un izpēte pirms, laikā un pēc pārrobežu apmaiņas",
        k_lv=["Izprot starptautiskās sadarbības un tīklošanās priekšrocības konkrētajā amata nozarē",
              "Zina, ka starptautiskās tirdzniecības iespējas var pozitīvi ietekmēt vietējos amatniecības uzņēmumus",
              "Izprot, ka globāla domāšana ir svarīga darba prasme tagad un nākotnē",
              "Zina vai prot atrast zināšanas par projekta vadību un biznesa plāna izstrādi",
              "Pamatos izprot inovācijas un uzņēmējdarbību, sava uzņēmuma dibināšanu"],
        k_en=["Understand the advances of international collaboration and network within the specific craftsman field",
              "Know that international trade opportunity can have positive effect on local craftsman businesses",
              "Understand that a global mind set is an important labour skill now and in the future",
              "Know or have to seek knowledge about managing a project/making a business plan",
              "Have a basic understanding of innovation and entrepreneurship/start up own business"],
        s_lv=["Aktīvi piedalās jaunajā starptautiskajā tīklā un uztur kontaktus",
              "Aktīvi klausās, lai izprastu vietējās un konkrētās amata tradīcijas",
              "Pārdomā iespējamās tirdzniecības iespējas starp abām valstīm",
              "Izmanto globālu domāšanu, plānojot turpmāko karjeru",
              "Meklē atbilstošas zināšanas reālistiska biznesa plāna izstrādei",
              "Domā un stāsta par inovatīvām, starptautiskām idejām nākotnes uzņēmējdarbībai konkrētajā amata nozarē"],
        s_en=["Participate actively within the new international network and keep in contact",
              "Listen actively to understand the local and specific craftsman tradition",
              "Reflect over possible trade opportunity between the two countries",
              "Include a global mind set and way of thinking when it comes to future career possibility",
              "Seek relevant knowledge about making a realistic business plan",
              "Think and tell about innovative, international ideas for future business opportunities within the specific craftsman field"],
        c_lv=["Veido un uztur kontaktus ar jauno tīklu, kas iepazīts praksē ārzemēs",
              "Ir atvērts jaunai informācijai, lai izprastu uzņēmēja biznesa plānu",
              "Ir atvērts vietējo un konkrētās amata nozares tradīciju izpratnei",
              "Ir ieinteresēts uzņēmējdarbības iespējās starp abām valstīm",
              "Ir atvērts inovatīvām idejām"],
        c_en=["Connect and keep in contact with the new network met at the internship abroad",
              "Be open for new input to understand the host-company business plan",
              "Be open minded towards understanding the local and specific craftsman tradition",
              "Be curious towards business opportunities between the two countries",
              "Be open for innovative ideas"],
    ),
    dict(
        code="0201", qual="REST", ecvet="4,5", kp="6",
        lv="Lodēšanas metodes restaurācijā", en="Soldering methods in restoration",
        area="Metāla priekšmetu restaurācija",
        k_lv=["Alvas un sudraba lodēšanas metodes un to pielietojums metāla priekšmetu restaurācijā",
              "Lodmetālu un kušņu veidi, to īpašības",
              "Darba drošība, strādājot ar atklātu liesmu un ķimikālijām"],
        k_en=["Soft and silver soldering methods and their use in restoring metal objects",
              "Types of solders and fluxes and their properties",
              "Safety when working with open flame and chemicals"],
        s_lv=["Sagatavot restaurējamā priekšmeta virsmu lodēšanai",
              "Izvēlēties piemērotu lodēšanas metodi un lodmetālu",
              "Veikt lodēšanu, nebojājot oriģinālo materiālu"],
        s_en=["Prepare the surface of the object for soldering",
              "Choose a suitable soldering method and solder",
              "Solder without damaging the original material"],
        c_lv=["Patstāvīgi plānot restaurācijas darba secību",
              "Dokumentēt veiktos darbus restaurācijas pasē"],
        c_en=["Plan the sequence of restoration work independently",
              "Document the work in the restoration record"],
    ),
    dict(
        code="0202", qual="AUTO", ecvet="1,5", kp="2",
        lv="Profesionālā terminoloģija svešvalodā", en="Professional terminology in a foreign language",
        area="Saziņa darba vietā",
        k_lv=["Automobiļa galveno mezglu un detaļu nosaukumi angļu valodā",
              "Darba drošības zīmju un instrukciju terminoloģija"],
        k_en=["Names of the main vehicle assemblies and parts in English",
              "Terminology of safety signs and instructions"],
        s_lv=["Sazināties ar kolēģiem un klientiem par veicamo remontu",
              "Lasīt tehnisko dokumentāciju svešvalodā"],
        s_en=["Communicate with colleagues and customers about the repair to be done",
              "Read technical documentation in a foreign language"],
        c_lv=["Uzņemties atbildību par precīzu informācijas nodošanu"],
        c_en=["Take responsibility for passing on information accurately"],
    ),
]
UNIT = {u["code"]: u for u in UNITS}

PROJECT = "2024-1-LV01-KA122-VET-000123456"
FI_DATES = (D(2025, 3, 3), D(2025, 3, 28))
DE_DATES = (D(2025, 4, 7), D(2025, 5, 2))
OBJECTIVE = "Apgūt ECVET mācīšanās rezultātu vienības praksē uzņēmumā ārzemēs"
METHOD = "Novērošana darba vietā un praktisks uzdevums"
CRITERIA = ["Komunikācijas prasmes", "Nozares zināšanas un izpratne", "Komandas darbs",
            "Iniciatīva", "Pozitīva attieksme pret drošību"]

# id, given, family, birth, personas kods, group, host, units with (grade, achieved, remarks, criteria),
# guardian (name, e-mail) for minors
LEARNERS = [
    ("A-001", "Anna", "Ozola", D(2005, 3, 14), "140305-12345", "AM-3", "FI-AUTO",
     [("0101", 9, "pilnībā", "Ļoti precīza diagnostikā.", [3, 3, 2, 3, 3]),
      ("0202", 8, "pilnībā", "", [3, 2, 3, 2, 3])], None),
    ("A-002", "Jānis", "Bērziņš", D(2004, 11, 2), "021104-23456", "AM-3", "FI-AUTO",
     [("0101", 7, "pilnībā", "", [2, 2, 3, 2, 3]),
      ("0202", 6, "daļēji", "Jāpilnveido tehniskā angļu valoda.", [1, 2, 2, 2, 3])], None),
    ("A-003", "Līga", "Kalniņa", D(2005, 7, 21), "210705-34567", "AM-3", "FI-AUTO",
     [("0101", 8, "pilnībā", "", [3, 2, 3, 3, 2]),
      ("0202", 9, "pilnībā", "", [3, 3, 3, 2, 3])], None),
    ("A-004", "Mārtiņš", "Liepiņš", D(2004, 5, 30), "300504-45678", "AM-3", "FI-AUTO",
     [("0101", 6, "daļēji", "Stabilitātes sistēmu sensori jāatkārto.", [2, 2, 2, 1, 3]),
      ("0202", 7, "pilnībā", "", [2, 2, 3, 2, 3])], None),
    ("A-005", "Elīza", "Zariņa", D(2005, 1, 9), "090105-56789", "RE-2", "FI-REST",
     [("0201", 10, "pilnībā", "Izcils darbs ar misiņa svečturi.", [3, 3, 3, 3, 3]),
      ("0102", 9, "pilnībā", "", [3, 3, 2, 3, 3])], None),
    ("A-006", "Kristaps", "Ozoliņš", D(2004, 9, 17), "170904-67890", "RE-2", "FI-REST",
     [("0201", 7, "pilnībā", "", [2, 3, 2, 2, 3]),
      ("0102", 8, "pilnībā", "", [2, 2, 3, 3, 2])], None),
    ("A-007", "Ērika", "Vītola", D(2005, 12, 3), "031205-78901", "RE-2", "FI-REST",
     [("0201", 8, "pilnībā", "", [3, 2, 2, 2, 3]),
      ("0102", 7, "pilnībā", "", [3, 2, 3, 2, 2])], None),
    ("A-008", "Roberts", "Krūmiņš", D(2004, 2, 25), "250204-89012", "AM-3", "DE-AUTO",
     [("0101", 8, "pilnībā", "", None), ("0202", 7, "pilnībā", "", None)], None),
    ("A-009", "Dārta", "Šmite", D(2005, 6, 11), "110605-90123", "AM-3", "DE-AUTO",
     [("0101", 9, "pilnībā", "", None), ("0202", 10, "pilnībā", "Brīvi sazinās vācu valodā.", None)], None),
    ("A-010", "Ņikita", "Ivanovs", D(2004, 8, 8), "080804-01234", "AM-3", "DE-AUTO",
     [("0101", 5, "daļēji", "", None), ("0202", 3, "nav", "Neapmeklēja valodas nodarbības.", None)], None),
    ("A-011", "Agnese", "Žagare", D(2005, 4, 19), "190405-11223", "AM-3", "DE-AUTO",
     [("0101", 8, "pilnībā", "", None), ("0202", 8, "pilnībā", "", None)], None),
    ("A-012", "Edgars", "Čaks", D(2004, 10, 27), "271004-22334", "RE-2", "DE-REST",
     [("0201", 7, "pilnībā", "", None), ("0102", 6, "daļēji", "", None)], None),
    ("A-013", "Katrīna", "Ģēģere", D(2007, 2, 14), "140207-33445", "RE-1", "DE-REST",
     [("0201", 9, "pilnībā", "", None), ("0102", 8, "pilnībā", "", None)],
     ("Laima Ģēģere", "laima.gegere@example.lv")),
    ("A-014", "Oskars", "Ķēniņš", D(2007, 12, 31), "311207-44556", "RE-1", "DE-REST",
     [("0201", 8, "pilnībā", "", None)],  # 0102 targeted, not assessed yet
     ("Jānis Ķēniņš", "janis.kenins@example.lv")),
]
TARGETED_NOT_ASSESSED = {("A-014", "0102")}


def ascii_name(s):
    table = str.maketrans("āčēģīķļņšūžĀČĒĢĪĶĻŅŠŪŽ", "acegiklnsuzACEGIKLNSUZ")
    return s.translate(table)


def learner_email(given, family):
    return f"{ascii_name(given).lower()}.{ascii_name(family).lower()}@audzekni.example.lv"


def learner_phone(i):
    return f"+371 2{i:02d}{(i * 7919) % 100000:05d}"


def dates_of(host):
    return FI_DATES if host.startswith("FI") else DE_DATES


def fmt(d):
    return d.strftime("%d.%m.%Y")


# --- the flat layout: one row per learner × unit -------------------------------------------

FLAT_HEADERS = [
    "Audzēkņa ID", "Vārds", "Uzvārds", "Dzimšanas datums", "Personas kods", "Pilsonība",
    "E-pasts", "Tālrunis", "Likumiskais pārstāvis", "Likumiskā pārstāvja e-pasts", "Mācību grupa",
    "Nosūtošā organizācija", "Nosūtošās organizācijas valsts", "Nosūtošās organizācijas adrese",
    "Nosūtošās organizācijas tālrunis", "Nosūtošās organizācijas e-pasts",
    "Nosūtošās organizācijas tīmekļa vietne", "Nosūtošās organizācijas PIC",
    "Koordinators", "Koordinatora amats", "Koordinatora e-pasts", "Koordinatora tālrunis",
    "Projekta numurs", "Uzņemošā organizācija", "Uzņemošā valsts", "Uzņemošās organizācijas adrese",
    "Uzņemošās organizācijas tālrunis", "Uzņemošās organizācijas e-pasts",
    "Uzņemošās organizācijas tīmekļa vietne", "Uzņemošās organizācijas PIC",
    "Uzņemošās organizācijas kontaktpersona", "Uzņemošās kontaktpersonas amats",
    "Uzņemošās kontaktpersonas e-pasts", "Uzņemošās kontaktpersonas tālrunis",
    "Mentors", "Mentora amats", "Mentora e-pasts", "Mentora tālrunis",
    "Sākuma datums", "Beigu datums", "Ilgums (nedēļās)", "Mobilitātes mērķis", "Veiktie uzdevumi", "Darba valoda",
    "Kvalifikācijas kods", "Kvalifikācija", "Kvalifikācija (angliski)", "Kvalifikācijas EKI līmenis",
    "Kvalifikācijas LKI līmenis",
    "Vienības kods", "Vienības nosaukums", "Vienība (angliski)", "Darba uzdevumu joma", "EKI līmenis",
    "LKI līmenis", "ECVET punkti", "Kredītpunkti",
    "Zināšanas", "Zināšanas (angliski)", "Prasmes", "Prasmes (angliski)", "Kompetence", "Kompetence (angliski)",
    "Vērtējums", "Sasniegts", "Vērtēšanas datums", "Vērtēšanas metode", "Vērtētājs", "Piešķirtie ECVET punkti",
    "Piezīmes", "Kritēriju skala",
] + [f"Kritērijs: {c}" for c in CRITERIA]


def flat_rows(dates_as_text=False):
    """Rows of the flat layout, as lists of cell values (dates as date objects)."""
    rows = []
    for i, (lid, given, family, birth, pk, group, host_key, units, guardian) in enumerate(LEARNERS, 1):
        host = HOSTS[host_key]
        start, end = dates_of(host_key)
        all_units = [u[0] for u in units] + [c for (l, c) in sorted(TARGETED_NOT_ASSESSED) if l == lid]
        for code in all_units:
            u = UNIT[code]
            q = QUALS[u["qual"]]
            res = next((r for r in units if r[0] == code), None)
            d = (lambda x: fmt(x)) if dates_as_text else (lambda x: x)
            row = [
                lid, given, family, d(birth), pk, "LV", learner_email(given, family), learner_phone(i),
                guardian[0] if guardian else "", guardian[1] if guardian else "", group,
                SCHOOL["name"], SCHOOL["country"], SCHOOL["address"], SCHOOL["phone"], SCHOOL["email"],
                SCHOOL["website"], SCHOOL["pic"], SCHOOL["contact"], SCHOOL["contact_position"],
                SCHOOL["contact_email"], SCHOOL["contact_phone"],
                PROJECT, host["name"], host["country"], host["address"], host["phone"], host["email"],
                host["website"], host["pic"], host["contact"], host["contact_position"],
                host["contact_email"], host["contact_phone"],
                host["mentor"], host["mentor_position"], host["mentor_email"], host["mentor_phone"],
                d(start), d(end), 4, OBJECTIVE, host["tasks"], "angļu",
                q["code"], q["lv"], q["en"], q["eqf"], q["nqf"],
                code, u["lv"], u["en"], u["area"], u_eqf(u), 3, u["ecvet"], u["kp"],
                bullets(u["k_lv"]), bullets(u["k_en"]), bullets(u["s_lv"]), bullets(u["s_en"]),
                bullets(u["c_lv"]), bullets(u["c_en"]),
            ]
            if res:
                grade, achieved, remarks, crit = res[1], res[2], res[3], res[4]
                awarded = u["ecvet"] if achieved == "pilnībā" else ""
                row += [grade, achieved, d(end), METHOD, host["mentor"], awarded, remarks,
                        "fi-1-3" if crit else ""]
                row += crit if crit else [""] * len(CRITERIA)
            else:
                row += [""] * (8 + len(CRITERIA))
            rows.append(row)
    return rows


def u_eqf(u):
    return 4


def cell_value(v):
    if v is None:
        return ""
    return v


def write_flat_xlsx(path, dates_as_text=False):
    wb = Workbook()
    ws = wb.active
    ws.title = "Mobilitāte"
    ws.append(FLAT_HEADERS)
    for r in flat_rows(dates_as_text):
        ws.append([cell_value(v) for v in r])
    for col in ("D", "AM", "AN", "BN"):
        for c in ws[col][1:]:
            if isinstance(c.value, dt.date):
                c.number_format = "DD.MM.YYYY"
    wb.save(path)


def write_flat_csv(path):
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    w.writerow(FLAT_HEADERS)
    for r in flat_rows(dates_as_text=True):
        w.writerow(["" if v is None else str(v) for v in r])
    with open(path, "wb") as f:
        f.write(buf.getvalue().encode("cp1257"))


# --- the multi-sheet layout ---------------------------------------------------------------

def write_multi_xlsx(path):
    wb = Workbook()
    ws = wb.active
    ws.title = "Organizācijas"
    ws.append(["Kods", "Nosaukums", "Loma", "Valsts", "Adrese", "Tālrunis", "E-pasts", "Tīmekļa vietne",
               "PIC", "Kontaktpersona", "Kontaktpersonas amats", "Kontaktpersonas e-pasts",
               "Kontaktpersonas tālrunis"])
    for key, o in [("LV-VPV", SCHOOL)] + list(HOSTS.items()):
        ws.append([key, o["name"], o["role"], o["country"], o["address"], o["phone"], o["email"],
                   o["website"], o["pic"], o["contact"], o["contact_position"], o["contact_email"],
                   o["contact_phone"]])

    ws = wb.create_sheet("Audzēkņi")
    ws.append(["Audzēkņa ID", "Vārds", "Uzvārds", "Dzimšanas datums", "Personas kods", "Pilsonība",
               "E-pasts", "Tālrunis", "Likumiskais pārstāvis", "Likumiskā pārstāvja e-pasts", "Mācību grupa",
               "Nosūtošās organizācijas kods", "Koordinators", "Projekta numurs", "Partnera kods", "Mentors",
               "Mentora amats", "Mentora e-pasts", "Mentora tālrunis", "Sākuma datums", "Beigu datums",
               "Ilgums (nedēļās)", "Mobilitātes mērķis", "Veiktie uzdevumi", "Darba valoda"])
    for i, (lid, given, family, birth, pk, group, host_key, units, guardian) in enumerate(LEARNERS, 1):
        host = HOSTS[host_key]
        start, end = dates_of(host_key)
        ws.append([lid, given, family, birth, pk, "Latvija", learner_email(given, family), learner_phone(i),
                   guardian[0] if guardian else None, guardian[1] if guardian else None, group,
                   "LV-VPV", SCHOOL["contact"], PROJECT, host_key, host["mentor"], host["mentor_position"],
                   host["mentor_email"], host["mentor_phone"], start, end, 4, OBJECTIVE, host["tasks"],
                   "angļu"])
    for row in ws.iter_rows(min_row=2):
        for c in row:
            if isinstance(c.value, dt.date):
                c.number_format = "DD.MM.YYYY"

    ws = wb.create_sheet("Vienības")
    ws.append(["Vienības kods", "Vienības nosaukums", "Vienība (angliski)", "Kvalifikācijas kods",
               "Kvalifikācija", "Kvalifikācija (angliski)", "Kvalifikācijas EKI līmenis",
               "Kvalifikācijas LKI līmenis", "Darba uzdevumu joma", "EKI līmenis", "LKI līmenis",
               "ECVET punkti", "Kredītpunkti", "Zināšanas", "Zināšanas (angliski)", "Prasmes",
               "Prasmes (angliski)", "Kompetence", "Kompetence (angliski)"])
    for u in UNITS:
        q = QUALS[u["qual"]]
        ws.append([u["code"], u["lv"], u["en"], q["code"] or None, q["lv"], q["en"], q["eqf"], q["nqf"],
                   u["area"], u_eqf(u), 3, u["ecvet"], int(u["kp"]),
                   bullets(u["k_lv"]), bullets(u["k_en"]), bullets(u["s_lv"]), bullets(u["s_en"]),
                   bullets(u["c_lv"]), bullets(u["c_en"])])
    for row in ws.iter_rows(min_row=2):
        row[0].number_format = "@"  # unit codes are text: keep the leading zero

    ws = wb.create_sheet("Rezultāti")
    ws.append(["Audzēkņa ID", "Vienības kods", "Vērtējums", "Vērtēšanas skala", "Nokārtots", "Sasniegts",
               "Vērtēšanas datums", "Vērtēšanas metode", "Vērtētājs", "Piešķirtie ECVET punkti", "Piezīmes"])
    for (lid, given, family, birth, pk, group, host_key, units, guardian) in LEARNERS:
        host = HOSTS[host_key]
        end = dates_of(host_key)[1]
        for (code, grade, achieved, remarks, crit) in units:
            u = UNIT[code]
            awarded = u["ecvet"] if achieved == "pilnībā" else None
            ws.append([lid, code, grade, "lv-1-10", "jā" if grade >= 4 else "nē", achieved, end, METHOD,
                       host["mentor"], awarded, remarks or None])
        for (l, code) in sorted(TARGETED_NOT_ASSESSED):
            if l == lid:
                ws.append([lid, code])
    for row in ws.iter_rows(min_row=2):
        if isinstance(row[6].value, dt.date):
            row[6].number_format = "DD.MM.YYYY"

    ws = wb.create_sheet("Kritēriji")
    ws.append(["Audzēkņa ID", "Vienības kods", "Kritērijs", "Kritērija vērtējums", "Kritērija skala"])
    for (lid, given, family, birth, pk, group, host_key, units, guardian) in LEARNERS:
        for (code, grade, achieved, remarks, crit) in units:
            if crit:
                for name, value in zip(CRITERIA, crit):
                    ws.append([lid, code, name, value, "fi-1-3"])
    wb.save(path)


# --- the messy flat variant ------------------------------------------------------------------

def write_messy_xlsx(path):
    """A flat sheet the way it looks after years of hand editing."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Saraksts"
    ws["A1"] = "VIDZEMES PROFESIONĀLĀ VIDUSSKOLA — Erasmus+ mobilitāte 2025"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = "Sagatavoja: I. Kalniņa, 2025. gada maijā"
    # Group headers merged over the real headers, headers without diacritics,
    # with line breaks and odd case.
    groups = {
        "Audzēknis": (1, 11), "Nosūtošā organizācija": (12, 22), "Uzņemošā organizācija": (24, 34),
        "Mobilitāte": (39, 44), "Vienība": (50, 63), "Vērtējums": (64, 79),
    }
    header_row = 5
    for title, (a, b) in groups.items():
        ws.cell(row=header_row - 1, column=a, value=title)
        ws.merge_cells(start_row=header_row - 1, start_column=a, end_row=header_row - 1, end_column=b)
    messy = {
        "Vārds": "VARDS", "Uzvārds": "Uzvards", "Dzimšanas datums": "Dzimsanas\ndatums",
        "Personas kods": "personas  kods", "Pilsonība": "Pilsoniba", "E-pasts": "e-pasts",
        "Tālrunis": "Talrunis", "Sākuma datums": "Sakuma\ndatums", "Beigu datums": "BEIGU DATUMS",
        "Vienības nosaukums": "Vienibas nosaukums", "EKI līmenis": "EKI\nlimenis",
        "Vērtējums": "Vertejums",
    }
    for col, h in enumerate(FLAT_HEADERS, 1):
        c = ws.cell(row=header_row, column=col, value=messy.get(h, h))
        c.alignment = Alignment(wrap_text=True)
    r = header_row + 1
    rows = flat_rows(dates_as_text=True)
    eqf_forms = ["EQF 4", "IV", "4. līmenis", "4"]
    prev_learner = None
    first_of_learner = r
    total_ecvet = 0.0
    for i, row in enumerate(rows):
        lid = row[0]
        if prev_learner is not None and lid != prev_learner:
            # merge the learner's name cells down over their unit rows
            if r - 1 > first_of_learner:
                for col in (2, 3):
                    ws.merge_cells(start_row=first_of_learner, start_column=col, end_row=r - 1, end_column=col)
            if prev_learner == "A-007":
                r += 1  # a blank row between the Finland and Germany groups
                ws.cell(row=r, column=1, value="Piezīme: Vācijas grupai prakses vieta apstiprināta 10.03.2025.")
                r += 1
                r += 1  # and another blank row
            first_of_learner = r
        for col, v in enumerate(row, 1):
            if first_of_learner != r and col in (2, 3):
                continue  # covered by the merge
            if col == 54:  # EKI līmenis written every way schools write it
                v = eqf_forms[i % len(eqf_forms)]
            if v == "":
                continue
            ws.cell(row=r, column=col, value=v)
        try:
            total_ecvet += float(str(row[55]).replace(",", "."))
        except ValueError:
            pass
        prev_learner = lid
        r += 1
    if r - 1 > first_of_learner:
        for col in (2, 3):
            ws.merge_cells(start_row=first_of_learner, start_column=col, end_row=r - 1, end_column=col)
    r += 1
    ws.cell(row=r, column=1, value="Kopā")
    ws.cell(row=r, column=56, value=str(total_ecvet).replace(".", ","))
    wb.save(path)


def soffice_convert(src, fmt, outdir):
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", fmt,
             "--outdir", outdir, src],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main():
    os.makedirs("fixtures/demo", exist_ok=True)
    os.makedirs("fixtures/variants", exist_ok=True)
    write_multi_xlsx("fixtures/demo/round.xlsx")
    with tempfile.TemporaryDirectory() as tmp:
        flat = os.path.join(tmp, "flat.xlsx")
        write_flat_xlsx(flat)
        soffice_convert(flat, "ods", "fixtures/variants")
        soffice_convert(flat, "xls", "fixtures/variants")
    write_flat_csv("fixtures/variants/flat-windows-1257.csv")
    write_messy_xlsx("fixtures/variants/messy.xlsx")
    # The messy sheet as ods too: ods keeps merged cells differently (spans).
    soffice_convert("fixtures/variants/messy.xlsx", "ods", "fixtures/variants")
    for f in sorted(os.listdir("fixtures/variants")) + ["../demo/round.xlsx"]:
        p = os.path.join("fixtures/variants", f)
        print(f"{os.path.getsize(p):>8}  {os.path.normpath(p)}")


if __name__ == "__main__":
    main()
