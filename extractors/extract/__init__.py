"""Field extraction: pages with words and boxes in, a Referral out."""
