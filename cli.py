"""Run the c7n-lite CLI from a checkout: python cli.py run --dryrun --sandbox -s out policies/"""
from c7n_lite.cli import main

if __name__ == "__main__":
    main()
