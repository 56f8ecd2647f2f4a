"""Records behind eligibility: people, ratings, awards, initiatives, discipline."""
