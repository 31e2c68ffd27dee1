from . import dental_loyalty_liability_book
