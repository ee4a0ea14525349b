"""Turn OCR'd value strings from faxed orders into clean values.

Every function here is pure: text in, value (or None when the text is not one) out.
"""

from extractors.normalize.addresses import Address, parse_address
from extractors.normalize.dates import DateRole, ParsedDate, find_dates, parse_date
from extractors.normalize.names import PersonName, split_person_name
from extractors.normalize.phones import find_phones, parse_phone

__all__ = [
    "Address",
    "DateRole",
    "ParsedDate",
    "PersonName",
    "find_dates",
    "find_phones",
    "parse_address",
    "parse_date",
    "parse_phone",
    "split_person_name",
]
