#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0-or-later
# mkbigmmdb.pl DIR [PREFIXLEN] - a City and an ASN database (DIR/big-city.mmdb,
# DIR/big-asn.mmdb) that hold every public IPv4 address tests/bench/ringfill
# makes up, in networks of PREFIXLEN bits (default 16: 57,088 networks over
# 1.0.0.0-223.255.255.255), each with one of 256 made-up places and ASes
# (names with non-ASCII letters, as real ones have), for reader benchmarks
# where every source is found: the test databases of tests/geoip/mkmmdb.pl
# hold only the documentation prefixes, so against them nearly every
# ringfill source is a short miss. Needs libmaxmind-db-writer-perl.
use strict;
use warnings;
use utf8;
use MaxMind::DB::Writer::Tree;

my $dir = shift // die "usage: $0 DIR [PREFIXLEN]\n";
my $plen = shift // 16;
die "PREFIXLEN must be 8..24\n" if $plen < 8 || $plen > 24;

my %types = (
	city => 'map', country => 'map', location => 'map', names => 'map',
	en => 'utf8_string', iso_code => 'utf8_string', geoname_id => 'uint32',
	latitude => 'double', longitude => 'double', accuracy_radius => 'uint16',
	autonomous_system_number => 'uint32', autonomous_system_organization => 'utf8_string',
);
my @cc = qw(CH FR JP DE US BR IN ZA AU CA NL SE PL ES IT KR);
my @places = map {
	my $c = $cc[$_ % @cc];
	[ $c, "Land $c", sprintf('Stadt-%03d Zürich-Ōsaka', $_), -60 + ($_ * 0.47) % 120,
	  -170 + ($_ * 1.31) % 340, 64512 + $_, sprintf('Netz %03d Société Générale 株式会社', $_) ]
} 0 .. 255;

sub tree {
	my ($type) = @_;
	return MaxMind::DB::Writer::Tree->new(
		ip_version => 6, record_size => 28, database_type => $type,
		languages => ['en'], description => { en => "nflogd bench $type" },
		remove_reserved_networks => 0, alias_ipv6_to_ipv4 => 1,
		map_key_type_callback => sub { $types{ $_[0] } },
	);
}

my $city = tree('GeoLite2-City');
my $asn = tree('GeoLite2-ASN');
my $step = 1 << (32 - $plen);
for (my $a = 1 << 24; $a < 224 << 24; $a += $step) {
	my $p = $places[(($a >> (32 - $plen)) * 2654435761) % 256];
	my $net = join('.', $a >> 24, ($a >> 16) & 255, ($a >> 8) & 255, $a & 255) . "/$plen";
	$city->insert_network($net, {
		country => { iso_code => $p->[0], geoname_id => 1, names => { en => $p->[1] } },
		city => { geoname_id => 2, names => { en => $p->[2] } },
		location => { latitude => $p->[3], longitude => $p->[4], accuracy_radius => 50 },
	});
	$asn->insert_network($net, { autonomous_system_number => $p->[5],
				     autonomous_system_organization => $p->[6] });
}
for ([ $city, 'big-city.mmdb' ], [ $asn, 'big-asn.mmdb' ]) {
	my ($t, $name) = @$_;
	open my $fh, '>:raw', "$dir/$name" or die "$dir/$name: $!\n";
	$t->write_tree($fh);
	close $fh or die "$dir/$name: $!\n";
}
