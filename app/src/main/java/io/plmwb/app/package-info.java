package io.plmwb.app;
