"""`python -m dashboards`: rewrite the checked-in Kibana saved objects from the catalogue."""

from dashboards.saved_objects import write_checked_in

if __name__ == "__main__":
    print(write_checked_in())
