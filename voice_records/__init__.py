"""Operations on the voice gateway's tables (desk_db/tables/voice.py) that more than the gateway performs: one
customer's call transcripts for export and erasure (the gateway's routes), and the calls older than the retention
period (the retention job). A library: it imports no service, so the job does not load the gateway's speech
stack to delete rows."""
