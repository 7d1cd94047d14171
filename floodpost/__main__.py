from floodpost.cli import main

raise SystemExit(main())
