"""Survey answers downloaded from form tools (Google Forms, LimeSurvey, Microsoft Forms, Tally,
Typeform, Framaforms…), read as they really come out, matched to learners by their token."""
