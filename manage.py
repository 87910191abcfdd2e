#!/usr/bin/env python
"""Django's command-line utility; the same as the `minsheng` console command."""

from minsheng.__main__ import main

if __name__ == "__main__":
    main()
