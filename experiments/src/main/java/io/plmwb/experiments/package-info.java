package io.plmwb.experiments;
