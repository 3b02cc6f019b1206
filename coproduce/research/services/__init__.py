"""Every change to research data, one function per change, audited. One module per area:
consent, interviews (waves, stakeholders, interviews, sampling), transcripts (upload and
redaction), coding (codebook, coded segments, consensus), quotes, surveys."""
