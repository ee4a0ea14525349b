from fax_intake.cli import main

main()
