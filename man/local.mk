# man/: manual pages of the programs and the configuration file.
dist_man_MANS += man/xvsd.8 man/xvsctl.8 man/xvs.conf.5
