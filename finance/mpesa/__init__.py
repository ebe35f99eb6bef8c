"""M-Pesa through Safaricom's Daraja API, in three parts:

- client: the Daraja HTTP client and its formats (OAuth token, STK push); no ORM
- services: the business's Daraja settings and STK push with its pending reservation
- callbacks: the STK result and C2B validation/confirmation, booking each payment exactly once
"""
